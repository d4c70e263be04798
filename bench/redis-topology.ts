import { createClient } from 'redis'
import { startRedisCluster } from '../harness/redis-cluster.ts'
import { startRedisSentinel, sentinelMasterName } from '../harness/redis-sentinel.ts'
import { startRedisTls } from '../harness/redis-tls.ts'

// The Redis the mixed load runs on (`--redis`): the shared node (TEST_REDIS_URL or 127.0.0.1:6379),
// or a Cluster, Sentinel setup or mTLS node of its own, started on loopback ports by the same
// helpers as the tests (harness/redis-*.ts) and stopped by pid at the end. `env` is what the BFF
// replicas are configured with, the variables of production (docs/redis.md).

export const redisTopologies = ['single', 'cluster', 'sentinel', 'tls'] as const
export type RedisTopologyName = (typeof redisTopologies)[number]

export interface BenchRedis {
  description: string
  env: Record<string, string>
  /** Deletes this run's keys from the shared node, or stops the servers the run started. */
  stop(): Promise<void>
}

export async function startBenchRedis(topology: RedisTopologyName, keyPrefix: string): Promise<BenchRedis> {
  if (topology === 'single') return sharedNode(keyPrefix)
  const stops: (() => unknown)[] = []
  const teardown = { teardown: (fn: () => unknown) => { stops.push(fn) } }
  // Last started, first stopped: the processes, then their temp dir.
  const stop = async () => { for (const fn of stops.reverse()) await fn() }
  try {
    if (topology === 'cluster') {
      const cluster = await startRedisCluster(teardown)
      return { description: 'a Redis Cluster (3 primaries + 3 replicas)', env: { REDIS_CLUSTER_URLS: cluster.urls.join(',') }, stop }
    }
    if (topology === 'sentinel') {
      const sentinel = await startRedisSentinel(teardown)
      return { description: 'Redis with Sentinel (1 primary + 1 replica, 3 Sentinels)', env: { REDIS_SENTINEL_URLS: sentinel.urls.join(','), REDIS_SENTINEL_MASTER: sentinelMasterName }, stop }
    }
    const tls = await startRedisTls(teardown)
    return {
      description: 'one Redis node over mTLS (rediss://, client certificates)',
      env: { REDIS_URL: tls.url, REDIS_CA_FILE: tls.caFile, REDIS_CLIENT_CERT_FILE: tls.clientCertFile, REDIS_CLIENT_KEY_FILE: tls.clientKeyFile },
      stop,
    }
  } catch (error) {
    await stop()
    throw error
  }
}

/** The node others use too: this run's keys carry a prefix of their own and only they are deleted. */
async function sharedNode(keyPrefix: string): Promise<BenchRedis> {
  const url = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'
  const redis = createClient({ url, socket: { reconnectStrategy: false, connectTimeout: 2_000 } })
  redis.on('error', () => {})
  await redis.connect().catch(() => { throw new Error(`the mixed scenario needs Redis: none at ${url} (TEST_REDIS_URL)`) })
  return {
    description: `one Redis node (${url})`,
    env: { REDIS_URL: url },
    async stop() {
      for await (const keys of redis.scanIterator({ MATCH: `${keyPrefix}*`, COUNT: 500 })) if (keys.length) await redis.del(keys)
      await redis.close()
    },
  }
}
