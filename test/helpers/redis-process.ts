import type { Test } from 'tap'
import { hasPrerequisites } from './prerequisites.ts'

// The tests' side of harness/redis-process.ts (shared with the benchmark): the prerequisite check.

export { answersPing, type RedisProcess, startRedisProcess } from '../../harness/redis-process.ts'

export function hasRedisServer(t: Test): boolean {
  return hasPrerequisites(t, { commands: ['redis-server', 'redis-cli'], install: 'apt-get install redis-server redis-tools' })
}
