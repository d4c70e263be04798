import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import type { createClient } from 'redis'

/** The two commands the lock needs, so any node-redis client (RESP2 or 3) fits. */
type LockClient = Pick<ReturnType<typeof createClient>, 'set' | 'eval'>

export class LockTimeoutError extends Error {
  constructor(key: string) {
    super(`another request held the lock on ${key} for too long`)
    this.name = 'LockTimeoutError'
  }
}

export interface RedisLockOptions {
  /** The lock frees itself after this long even if its holder died (covers one token refresh). */
  leaseMs?: number
  /** How long a request waits for the lock before it gives up. */
  waitMs?: number
  prefix?: string
}

// Deletes the lock only if this holder still owns it (its lease may have expired and moved on).
const releaseScript = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"

/**
 * A lease lock in Redis (SET NX PX + owner-checked release), so that replicas serialise the token
 * work of one session: only one of them redeems a refresh token at a time.
 */
export function createRedisLock(client: LockClient, options: RedisLockOptions = {}) {
  const leaseMs = options.leaseMs ?? 15_000
  const waitMs = options.waitMs ?? 10_000
  const prefix = options.prefix ?? 'lock:'

  return {
    async withLock<T>(key: string, work: () => Promise<T>): Promise<T> {
      const lockKey = prefix + key
      const owner = randomUUID()
      const deadline = Date.now() + waitMs
      let pause = 5
      while ((await client.set(lockKey, owner, { condition: 'NX', expiration: { type: 'PX', value: leaseMs } })) !== 'OK') {
        if (Date.now() > deadline) throw new LockTimeoutError(key)
        await sleep(pause)
        pause = Math.min(pause * 2, 100)
      }
      try {
        return await work()
      } finally {
        await client.eval(releaseScript, { keys: [lockKey], arguments: [owner] })
      }
    },
  }
}
