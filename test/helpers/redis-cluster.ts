import type { Test } from 'tap'
import { startRedisCluster as start, type TestRedisCluster } from '../../harness/redis-cluster.ts'
import { hasRedisServer } from './redis-process.ts'

// harness/redis-cluster.ts (shared with the benchmark) in a test: skipped, or failed under CI, without redis-server.

export type { TestRedisCluster }

export async function startRedisCluster(t: Test): Promise<TestRedisCluster | undefined> {
  return hasRedisServer(t) ? start(t) : undefined
}
