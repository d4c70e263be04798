import type { Test } from 'tap'
import { startRedisTls as start, type TestRedisTls } from '../../harness/redis-tls.ts'
import { hasPrerequisites } from './prerequisites.ts'

// harness/redis-tls.ts (shared with the benchmark) in a test: skipped, or failed under CI, without redis-server or openssl.

export type { TestRedisTls }

export async function startRedisTls(t: Test): Promise<TestRedisTls | undefined> {
  if (!hasPrerequisites(t, { commands: ['redis-server', 'redis-cli', 'openssl'], install: 'apt-get install redis-server redis-tools openssl' })) return undefined
  return start(t)
}
