import type { Session } from 'fastify'
import t from 'tap'
import { memoryLiveSessions } from '../src/stores/live-sessions.ts'
import { testClock } from '../../../test/helpers/clock.ts'

// The in-memory store's count for the active sessions gauge: what @fastify/session and the session
// plugin would still accept, not everything the map holds.

const minute = 60_000
const absoluteTimeoutMs = 12 * 60 * minute

/** A stored session as @fastify/session keeps it: its cookie's expiry, its creation for signed-in ones. */
const stored = (expiresAt: number, createdAt?: number) => ({ cookie: { originalMaxAge: 30 * minute, expires: new Date(expiresAt) }, ...(createdAt ? { createdAt } : {}) }) as Session

t.test('the memory store counts the sessions it holds whose cookie has not expired', async (t) => {
  const clock = testClock()
  const sessions = new Map<string, Session>([
    ['a', stored(clock.now() + 30 * minute)],
    ['b', stored(clock.now() + 10 * minute, clock.now())],
    ['c', stored(clock.now() + 20 * minute)],
  ])
  const live = memoryLiveSessions(sessions, { absoluteTimeoutMs, now: clock.now })
  t.equal(live.store, 'memory')
  t.equal(await live.count(), 3)
  sessions.delete('c')
  t.equal(await live.count(), 2, 'a destroyed session is gone')
  clock.advance(10 * minute)
  t.equal(await live.count(), 1, 'a session whose cookie expired is not counted, though the map still holds it')
  t.equal(sessions.size, 2, 'counting changes nothing in the store')
})

t.test('a session past its absolute lifetime is not counted, however recently it was renewed', async (t) => {
  const clock = testClock()
  const createdAt = clock.now()
  const sessions = new Map<string, Session>([['signed-in', stored(createdAt + absoluteTimeoutMs + 30 * minute, createdAt)]])
  const live = memoryLiveSessions(sessions, { absoluteTimeoutMs, now: clock.now })
  clock.advance(absoluteTimeoutMs)
  t.equal(await live.count(), 1, 'at its absolute lifetime it still lives')
  clock.advance(1)
  t.equal(await live.count(), 0, 'past it, the session plugin would end it')
})

t.test('a session without a cookie expiry counts until it is destroyed', async (t) => {
  const sessions = new Map<string, Session>([['browser-session', { cookie: { originalMaxAge: null, expires: null } } as Session]])
  t.equal(await memoryLiveSessions(sessions, { absoluteTimeoutMs }).count(), 1)
})
