import { randomBytes } from 'node:crypto'
import type { SessionStore } from '@fastify/session'
import type { Session } from 'fastify'
import pino from 'pino'
import t from 'tap'
import { createMemorySessionStore } from '../../src/stores/memory-session-store.ts'
import { createSealedSessionStore } from '../../src/stores/sealed-session-store.ts'
import { createTokenCacheCipher } from '../../src/stores/token-cache-cipher.ts'
import { connectTestRedis } from '../../../../test/helpers/redis.ts'

// The session stores' tombstone rule, at the store: a session destroyed while a request of it was
// still in flight is not written back by that request's save (Redis, sealed; and in memory).

const minute = 60_000

function promised(store: SessionStore) {
  return {
    get: (id: string) => new Promise<Session | null | undefined>((resolve, reject) => store.get(id, (error, session) => (error ? reject(error) : resolve(session)))),
    set: (id: string, session: Record<string, unknown>) => new Promise<void>((resolve, reject) => store.set(id, session as unknown as Session, (error) => (error ? reject(error) : resolve()))),
    destroy: (id: string) => new Promise<void>((resolve, reject) => store.destroy(id, (error) => (error ? reject(error) : resolve()))),
  }
}

const signedIn = { user: { name: 'Demo User', account: { homeAccountId: 'h' } }, tokenCacheKey: 'k', cookie: { originalMaxAge: 30 * minute } }

t.test('Redis: a save that arrives after the session was destroyed does not bring it back, and the tombstone outlives the session', async (t) => {
  const redis = await connectTestRedis(t)
  if (!redis) return
  const store = promised(createSealedSessionStore({
    client: redis.client as never, prefix: redis.prefix, cipher: createTokenCacheCipher([randomBytes(32).toString('base64')]),
    ttlMs: () => 30 * minute, guard: (work) => work(), log: pino({ level: 'silent' }),
  }))
  await store.set('victim', signedIn)
  t.match(await store.get('victim'), { user: { name: 'Demo User' } }, 'saved and read back')
  const inFlight = await store.get('victim') // a request on another replica loaded it
  await store.destroy('victim') // "sign out of every device"
  await store.set('victim', { ...inFlight, profile: { displayName: 'Saved By The Thief' } }) // that request ends
  t.equal(await store.get('victim'), null, 'still signed out')
  t.equal(await redis.client.exists(`${redis.prefix}session:victim`), 0, 'nothing under the session key')
  const tombstoneTtl = await redis.client.pTTL(`${redis.prefix}session-ended:victim`)
  t.ok(tombstoneTtl > 29 * minute, `the tombstone lives as long as the session had left (${tombstoneTtl} ms)`)

  await store.destroy('never-saved')
  await store.set('never-saved', signedIn)
  t.equal(await store.get('never-saved'), null, 'a session destroyed before its first save is not saved either')
  await store.set('other', signedIn)
  t.match(await store.get('other'), { user: { name: 'Demo User' } }, 'other sessions save as always')
})

t.test('memory: a save that arrives after the session was destroyed does not bring it back', async (t) => {
  const store = promised(createMemorySessionStore({ idleTimeoutMs: 30 * 60_000 }).store)
  await store.set('victim', signedIn)
  const inFlight = await store.get('victim')
  await store.destroy('victim')
  await store.set('victim', { ...inFlight, profile: { displayName: 'Saved By The Thief' } })
  t.notOk(await store.get('victim'), 'still signed out')
  await store.set('other', signedIn)
  t.match(await store.get('other'), { user: { name: 'Demo User' } }, 'other sessions save as always')
})
