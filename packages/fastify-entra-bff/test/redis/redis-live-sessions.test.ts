import t from 'tap'
import { createRedisClient } from '../../src/stores/redis-client.ts'
import { createRedisLiveSessions } from '../../src/stores/redis-live-sessions.ts'
import { testClock } from '../../../../test/helpers/clock.ts'
import { timerMark } from '../../../../test/helpers/timer-mark.ts'
import { connectTestRedis, startPrivateRedis } from '../../../../test/helpers/redis.ts'

// The shared store's count for the active sessions gauge, against a real Redis: what every
// replica wrote, minus what ended or expired; and nothing, within its deadline, when Redis does
// not answer.

const minute = 60_000
const lifetimeMs = 12 * 60 * minute

t.test('the count is the sessions saved on any replica, less the ones destroyed', async (t) => {
  const redis = await connectTestRedis(t)
  if (!redis) return
  const key = `${redis.prefix}live-sessions`
  const replicaA = createRedisLiveSessions(redis.client, { key, lifetimeMs })
  const replicaB = createRedisLiveSessions(redis.client, { key, lifetimeMs })
  replicaA.saved('session-1', 30 * minute)
  replicaA.saved('session-2', 30 * minute)
  replicaB.saved('session-3', 30 * minute)
  t.equal(await replicaA.count(), 3)
  t.equal(await replicaB.count(), 3, 'every replica reports the same shared number')
  replicaB.saved('session-1', 30 * minute)
  t.equal(await replicaA.count(), 3, 'a session saved again is still one session')
  replicaB.ended('session-2')
  t.equal(await replicaA.count(), 2, 'a destroyed session is not counted')
  t.equal(replicaA.store, 'redis')
})

t.test('an expired session is not counted, and is trimmed at the next save', async (t) => {
  const redis = await connectTestRedis(t)
  if (!redis) return
  const key = `${redis.prefix}live-sessions`
  const clock = testClock()
  const live = createRedisLiveSessions(redis.client, { key, lifetimeMs, now: clock.now })
  live.saved('idle', 30 * minute)
  live.saved('busy', 60 * minute)
  t.equal(await live.count(), 2)
  clock.advance(30 * minute)
  t.equal(await live.count(), 1, 'the idle one expired')
  live.saved('new', 30 * minute)
  t.equal(await live.count(), 2)
  t.equal(await redis.client.zCard(key), 2, 'the expired id left the set when the next session was saved')
  const ttl = await redis.client.pTTL(key)
  t.ok(ttl > lifetimeMs - minute && ttl <= lifetimeMs, 'the set itself lives one session lifetime past its last write')
})

t.test('when Redis does not answer, the count is "cannot say" within its deadline, not a number', async (t) => {
  const redis = await startPrivateRedis(t)
  if (!redis) return
  const client = createRedisClient({ url: redis.url, onError() {} })
  await client.connect()
  t.teardown(async () => {
    if (client.isOpen) client.destroy()
  })
  const live = createRedisLiveSessions(client, { key: 'live-sessions', lifetimeMs, deadlineMs: 200 })
  live.saved('session-1', 30 * minute)
  t.equal(await live.count(), 1)

  redis.freeze()
  const notBefore = timerMark(150)
  t.equal(await live.count(), undefined, 'a frozen Redis: no count, so the count gave up (Redis never answers while frozen)')
  t.ok(notBefore.passed, 'and not before its deadline')
  redis.thaw()
  t.equal(await live.count(), 1, 'counted again once Redis answers')

  await redis.stop()
  // A deadline far beyond the test's own timeout: an answer at all shows the client failed the
  // command at once (no offline queue), without timing it.
  const patient = createRedisLiveSessions(client, { key: 'live-sessions', lifetimeMs, deadlineMs: 600_000 })
  t.equal(await patient.count(), undefined, 'a stopped Redis: no count, at once (not at the deadline)')
})
