import t from 'tap'
import { createMemorySessionLock } from '../src/stores/token-cache-store.ts'

// The per-session lock around token work: one session's requests take turns (so a rotated
// refresh token is written back before the next request reads the cache); sessions do not wait
// for each other.

function deferred() {
  let resolve!: () => void
  const promise = new Promise<void>((done) => (resolve = done))
  return { promise, resolve }
}

t.test('work under one session key runs one at a time, in order', async (t) => {
  const lock = createMemorySessionLock()
  const events: string[] = []
  const firstMayFinish = deferred()
  const first = lock.withLock('session-a', async () => {
    events.push('first starts')
    await firstMayFinish.promise
    events.push('first ends')
  })
  const second = lock.withLock('session-a', async () => {
    events.push('second starts')
  })
  await Promise.resolve()
  events.push('second still waiting')
  firstMayFinish.resolve()
  await Promise.all([first, second])
  t.same(events, ['first starts', 'second still waiting', 'first ends', 'second starts'])
})

t.test('another session does not wait for a held lock', async (t) => {
  const lock = createMemorySessionLock()
  const never = deferred()
  const held = lock.withLock('session-a', () => never.promise)
  t.equal(await lock.withLock('session-b', async () => 'b done'), 'b done')
  never.resolve()
  await held
})

t.test('a failure is returned to its caller and releases the lock for the next', async (t) => {
  const lock = createMemorySessionLock()
  const failing = lock.withLock('session-a', async () => {
    throw new Error('token endpoint down')
  })
  const next = lock.withLock('session-a', async () => 'next ran')
  await t.rejects(failing, { message: 'token endpoint down' })
  t.equal(await next, 'next ran')
})

t.test('a request that waits too long for its turn answers busy, and the ones behind it still run in order', async (t) => {
  const lock = createMemorySessionLock(20)
  const holderMayFinish = deferred()
  const events: string[] = []
  const holder = lock.withLock('session-a', async () => {
    await holderMayFinish.promise
    events.push('holder ends')
  })
  await t.rejects(lock.withLock('session-a', async () => events.push('gave-up ran')), { name: 'DependencyFailure', failure: 'store-busy' })
  const later = lock.withLock('session-a', async () => events.push('later runs'))
  holderMayFinish.resolve()
  await Promise.all([holder, later])
  t.same(events, ['holder ends', 'later runs'], 'the request that gave up never ran its work')
})
