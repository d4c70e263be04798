import t from 'tap'
import { createMemoryTokenCacheStore, writeWhileHeld } from '../src/stores/token-cache-store.ts'

// The in-memory store of each session's serialized msal token cache.

t.test('a stored cache is read back until it is deleted', async (t) => {
  const store = createMemoryTokenCacheStore()
  await store.set('session-a', '{"Account":{}}', 60_000)
  t.equal(await store.get('session-a'), '{"Account":{}}')
  t.equal(await store.sizeOf('session-a'), 14)
  await store.delete('session-a')
  t.equal(await store.get('session-a'), undefined)
  t.equal(await store.sizeOf('session-a'), 0)
})

t.test('sessions do not see each other\'s caches', async (t) => {
  const store = createMemoryTokenCacheStore()
  await store.set('session-a', 'cache of a', 60_000)
  t.equal(await store.get('session-b'), undefined)
})

t.test('a cache past its time to live is gone', async (t) => {
  const store = createMemoryTokenCacheStore()
  await store.set('session-a', 'cache of a', 0)
  t.equal(await store.get('session-a'), undefined)
})

t.test('it holds at most its bound of sessions, dropping the least recently used first', async (t) => {
  const store = createMemoryTokenCacheStore({ maxSessions: 2 })
  await store.set('session-a', 'cache of a', 60_000)
  await store.set('session-b', 'cache of b', 60_000)
  await store.get('session-a')
  await store.set('session-c', 'cache of c', 60_000)
  t.equal(await store.get('session-b'), undefined)
  t.equal(await store.get('session-a'), 'cache of a')
  t.equal(await store.get('session-c'), 'cache of c')
})

// A cache holding a refresh token the tenant has just rotated is written again while the lock is
// certainly held; once it is not, another request may be using the session, and a late write
// could put back tokens older than theirs.
t.test('a cache that could not be written is written again until it is, while the lease holds', async (t) => {
  let attempts = 0
  const written = await writeWhileHeld(async () => {
    attempts++
    if (attempts < 3) throw new Error('store unavailable')
  }, { held: () => true }, { firstMs: 1, mostMs: 2 })
  t.equal(written, true)
  t.equal(attempts, 3, 'two failures, then written')
})

t.test('and no longer once the lease is not certainly held', async (t) => {
  let attempts = 0
  let held = true
  const written = await writeWhileHeld(async () => {
    attempts++
    if (attempts === 2) held = false // the lease ran out while Redis stayed down
    throw new Error('store unavailable')
  }, { held: () => held }, { firstMs: 1, mostMs: 2 })
  t.equal(written, false)
  t.equal(attempts, 2, 'no attempt after the lease ended')
  t.equal(await writeWhileHeld(async () => { attempts++ }, { held: () => false }), false, 'a lease already gone writes nothing')
  t.equal(attempts, 2)
})
