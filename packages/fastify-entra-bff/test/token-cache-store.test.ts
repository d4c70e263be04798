import t from 'tap'
import { createMemoryTokenCacheStore } from '../src/stores/token-cache-store.ts'

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
