import { randomBytes } from 'node:crypto'
import type { FastifyRateLimitStore } from '@fastify/rate-limit'
import type { SessionStore } from '@fastify/session'
import type { Session } from 'fastify'
import pino from 'pino'
import t from 'tap'
import { createRedisConnection } from '../../../packages/fastify-entra-bff/src/stores/redis-connection.ts'
import { createRedisStores } from '../../../packages/fastify-entra-bff/src/stores/redis-stores.ts'
import { startRedisCluster } from '../../helpers/redis-cluster.ts'
import { sharedRedisSession } from '../../helpers/replicas.ts'

// Each Redis store of the BFF on a real 6-node Cluster, through the same wiring the BFF uses
// (createRedisStores with REDIS_CLUSTER_URLS' config): the tombstone scripts of sessions and token
// caches (two keys: one hash slot), the lock, the rate-limit script, the sid/oid index and the
// live-session count, and the keys spread over all three primaries.

const minute = 60_000
const log = pino({ level: 'silent' })

function promised(store: SessionStore) {
  return {
    get: (id: string) => new Promise<Session | null | undefined>((resolve, reject) => store.get(id, (error, session) => (error ? reject(error) : resolve(session)))),
    set: (id: string, session: Record<string, unknown>) => new Promise<void>((resolve, reject) => store.set(id, session as unknown as Session, (error) => (error ? reject(error) : resolve()))),
    destroy: (id: string) => new Promise<void>((resolve, reject) => store.destroy(id, (error) => (error ? reject(error) : resolve()))),
  }
}

const signedIn = { user: { name: 'Demo User', account: { homeAccountId: 'h' } }, tokenCacheKey: 'k', cookie: { originalMaxAge: 30 * minute, expires: new Date(Date.now() + 30 * minute) } }

t.test('every store works on a Redis Cluster', async (t) => {
  const cluster = await startRedisCluster(t)
  if (!cluster) return
  const redis = { topology: { kind: 'cluster' as const, urls: cluster.urls } }
  const session = sharedRedisSession(redis)
  const stores = await createRedisStores(session, log, { countLiveSessions: true })
  t.teardown(() => stores.close())
  const inspector = await createRedisConnection(redis, { onError() {} })
  await inspector.connect()
  t.teardown(() => inspector.close())
  const prefix = session.redisKeyPrefix

  await t.test('dependency check pings every primary', async (t) => {
    t.equal(await stores.dependencies?.redis?.(), undefined, 'no problem reported')
  })

  await t.test('sessions: saved, read back, and not written back once ended (one script, two keys, one slot)', async (t) => {
    const sessions = promised(stores.sessionStore!)
    await sessions.set('victim', signedIn)
    t.match(await sessions.get('victim'), { user: { name: 'Demo User' } }, 'saved and read back')
    t.equal(await inspector.client.exists(`${prefix}session:{victim}`), 1, 'the key carries the id as hash tag')
    const inFlight = await sessions.get('victim')
    await sessions.destroy('victim')
    await sessions.set('victim', { ...inFlight, profile: { displayName: 'Saved By The Thief' } })
    t.equal(await sessions.get('victim'), null, 'still signed out')
    t.ok(await inspector.client.pTTL(`${prefix}session-ended:{victim}`) > 4 * minute, 'the tombstone is in the same slot, with its time to live')
  })

  await t.test('sessions spread over all three primaries', async (t) => {
    const sessions = promised(stores.sessionStore!)
    const ids = Array.from({ length: 30 }, () => randomBytes(12).toString('base64url'))
    for (const id of ids) await sessions.set(id, signedIn)
    const primaries = new Set(await Promise.all(ids.map(async (id) => (await cluster.primaryOf(`${prefix}session:{${id}}`)).port)))
    t.equal(primaries.size, 3, 'every primary holds sessions')
    for (const id of ids) t.match(await sessions.get(id), { user: { name: 'Demo User' } })
  })

  await t.test('the live-session count sees every primary\'s sessions', async (t) => {
    // 1 victim (ended) + 30 spread: the sorted set is one key, written by one script per save.
    t.equal(await stores.liveSessions?.count(), 30)
  })

  await t.test('token caches: sealed, read back, and a write after the delete is dropped', async (t) => {
    const caches = stores.tokenCaches!
    await caches.set('cache-1', '{"RefreshToken":{}}', 30 * minute)
    t.equal(await caches.get('cache-1'), '{"RefreshToken":{}}')
    t.ok(await caches.sizeOf('cache-1') > 0, 'stored under tokens:{cache-1}')
    await caches.delete('cache-1')
    await caches.set('cache-1', '{"RefreshToken":{"late":1}}', 30 * minute)
    t.equal(await caches.get('cache-1'), undefined, 'the late write-back stays dropped')
  })

  await t.test('the lock lets one holder in at a time', async (t) => {
    let inside = 0
    let mostInside = 0
    await Promise.all(Array.from({ length: 10 }, () => stores.locks!.withLock('session-1', async () => {
      inside++
      mostInside = Math.max(mostInside, inside)
      await new Promise((resolve) => setTimeout(resolve, 5))
      inside--
    })))
    t.equal(mostInside, 1)
  })

  await t.test('rate limits count in the Cluster, not per replica', async (t) => {
    const Store = stores.rateLimitStore!
    const replicaA = new Store(undefined as never).child({ routeInfo: { method: 'GET', url: '/auth/sign-in' } } as never)
    const replicaB = new Store(undefined as never).child({ routeInfo: { method: 'GET', url: '/auth/sign-in' } } as never)
    const incr = (store: FastifyRateLimitStore) => new Promise<number>((resolve, reject) => store.incr('203.0.113.9', (error, result) => (error ? reject(error) : resolve(result?.current ?? -1)), minute, 10))
    t.same([await incr(replicaA), await incr(replicaB), await incr(replicaA)], [1, 2, 3], 'both replicas count in one window')
    t.equal(await inspector.client.get(`${prefix}ratelimit:GET/auth/sign-in:203.0.113.9`), '3', 'the count is in Redis')
  })

  await t.test('the sid/oid index adds, lists and forgets', async (t) => {
    const index = stores.sessionIndex!
    await index.add('oid', 'user-1', 'session-a', 30 * minute)
    await index.add('oid', 'user-1', 'session-b', 30 * minute)
    t.same((await index.sessionsOf('oid', 'user-1')).sort(), ['session-a', 'session-b'])
    await index.remove('oid', 'user-1', ['session-a'])
    t.same(await index.sessionsOf('oid', 'user-1'), ['session-b'], 'only the ended session is forgotten')
    t.ok(await inspector.client.pTTL(`${prefix}index:oid:user-1`) > 29 * minute, 'the entry expires with its sessions')
  })
})
