import type { Test } from 'tap'
import { startRedisSentinel as start, type TestRedisSentinel } from '../../harness/redis-sentinel.ts'
import { hasRedisServer } from './redis-process.ts'

// harness/redis-sentinel.ts (shared with the benchmark) in a test: skipped, or failed under CI, without redis-server.

export { sentinelMasterName } from '../../harness/redis-sentinel.ts'
export type { TestRedisSentinel }

export async function startRedisSentinel(t: Test): Promise<TestRedisSentinel | undefined> {
  return hasRedisServer(t) ? start(t) : undefined
}
