import t from 'tap'
import { startRedisCluster } from '../../helpers/redis-cluster.ts'
import { journeyOnTwoReplicas } from '../../helpers/redis-journey.ts'

// The journey on a real 6-node Redis Cluster (REDIS_CLUSTER_URLS): sessions, token caches, locks,
// rate limits and the sid/oid index spread over three primaries, no command the Cluster refuses.

t.test('sign in, profile, step-up, save and sign out everywhere across two replicas on a Redis Cluster', async (t) => {
  const cluster = await startRedisCluster(t)
  if (!cluster) return
  await journeyOnTwoReplicas(t, { topology: { kind: 'cluster', urls: cluster.urls } })
})
