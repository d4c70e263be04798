import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import type { RedisCommands } from './redis-connection.ts'

/** The two commands the lock needs, so any node-redis client (RESP2 or 3) fits. */
type LockClient = Pick<RedisCommands, 'set' | 'eval'>

export class LockTimeoutError extends Error {
  constructor(key: string) {
    super(`another request held the lock on ${key} for too long`)
    this.name = 'LockTimeoutError'
  }
}

export interface RedisLockOptions {
  /** The lock frees itself this long after its holder stops renewing it (the holder died). */
  leaseMs?: number
  /** How long a request waits for the lock before it gives up. */
  waitMs?: number
  prefix?: string
  /** Runs each Redis command (a deadline and circuit breaker); the lock's own work is not inside it. */
  guard?: <T>(command: () => Promise<T>) => Promise<T>
}

// Deletes or extends the lock only if this holder still owns it.
const releaseScript = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"
const renewScript = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end"

/**
 * A lease lock in Redis (SET NX PX + owner-checked release), so that replicas serialise the token
 * work of one session: only one of them redeems a refresh token at a time. The holder renews the
 * lease while its work runs, so a slow token call keeps the lock until it settles: no other
 * request sends the same refresh token while the answer to the first is still outstanding.
 */
export function createRedisLock(client: LockClient, options: RedisLockOptions = {}) {
  const leaseMs = options.leaseMs ?? 15_000
  const waitMs = options.waitMs ?? 10_000
  const prefix = options.prefix ?? 'lock:'
  const guard = options.guard ?? (<T>(command: () => Promise<T>) => command())

  return {
    async withLock<T>(key: string, work: () => Promise<T>): Promise<T> {
      const lockKey = prefix + key
      const owner = randomUUID()
      const deadline = Date.now() + waitMs
      let pause = 5
      while ((await guard(() => client.set(lockKey, owner, { condition: 'NX', expiration: { type: 'PX', value: leaseMs } }))) !== 'OK') {
        if (Date.now() > deadline) throw new LockTimeoutError(key)
        await sleep(pause)
        pause = Math.min(pause * 2, 100)
      }
      const renewal = setInterval(() => {
        guard(() => client.eval(renewScript, { keys: [lockKey], arguments: [owner, String(leaseMs)] })).catch(() => {})
      }, Math.max(10, Math.floor(leaseMs / 3)))
      try {
        return await work()
      } finally {
        clearInterval(renewal)
        await guard(() => client.eval(releaseScript, { keys: [lockKey], arguments: [owner] })).catch(() => {})
      }
    },
  }
}
