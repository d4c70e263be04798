import t from 'tap'
import { createOboTokenCache } from '../../../src/profile-service/obo-token-cache.ts'

const hour = 3600_000

function cacheAt(start: number, maxEntries = 3) {
  const clock = { now: start }
  return { clock, cache: createOboTokenCache({ maxEntries, reuseMarginMs: 5 * 60_000, now: () => clock.now }) }
}

t.test('a Graph token is reused for the same caller token while it has life left', async (t) => {
  const { cache } = cacheAt(0)
  cache.set('caller-a', 'graph-a', hour)
  t.equal(cache.get('caller-a'), 'graph-a')
  t.equal(cache.get('caller-b'), undefined)
})

t.test('a Graph token within five minutes of expiry is not reused, and is dropped', async (t) => {
  const { cache, clock } = cacheAt(0)
  cache.set('caller-a', 'graph-a', hour)
  clock.now = hour - 5 * 60_000
  t.equal(cache.get('caller-a'), undefined)
  t.equal(cache.size, 0)
})

t.test('the cache never holds more than its bound, dropping the least recently used first', async (t) => {
  const { cache } = cacheAt(0, 3)
  for (const caller of ['a', 'b', 'c']) cache.set(caller, `graph-${caller}`, hour)
  cache.get('a') // a is now the most recently used
  cache.set('d', 'graph-d', hour)
  t.equal(cache.size, 3)
  t.equal(cache.get('b'), undefined, 'b was least recently used')
  t.equal(cache.get('a'), 'graph-a')
  t.equal(cache.get('d'), 'graph-d')
})

t.test('storing again for the same caller token replaces the entry instead of adding one', async (t) => {
  const { cache } = cacheAt(0)
  cache.set('caller-a', 'graph-1', hour)
  cache.set('caller-a', 'graph-2', hour)
  t.equal(cache.size, 1)
  t.equal(cache.get('caller-a'), 'graph-2')
})
