import t from 'tap'
import { journeyOnTwoReplicas } from '../../helpers/redis-journey.ts'
import { sentinelMasterName, startRedisSentinel } from '../../helpers/redis-sentinel.ts'

// The journey on a real Sentinel setup (REDIS_SENTINEL_URLS + REDIS_SENTINEL_MASTER): the BFF asks
// the Sentinels where the primary is and keeps every store there.

t.test('sign in, profile, step-up, save and sign out everywhere across two replicas via Sentinel', async (t) => {
  const sentinel = await startRedisSentinel(t)
  if (!sentinel) return
  await journeyOnTwoReplicas(t, { topology: { kind: 'sentinel', urls: sentinel.urls, masterName: sentinelMasterName } })
})
