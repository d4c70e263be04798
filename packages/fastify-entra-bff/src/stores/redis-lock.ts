import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import type { RedisCommands } from './redis-connection.ts'
import type { SessionLease } from './token-cache-store.ts'

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
  /** The clock the lease is counted on (tests inject one). */
  now?: () => number
  /**
   * Asked while waiting for a held lock: true stops the wait with LockUnavailableError. While
   * Redis is failing the holder may itself be waiting for Redis (a token cache being written
   * again), so a request answers at once rather than after the whole wait.
   */
  stopWaiting?: () => boolean
}

export class LockUnavailableError extends Error {
  constructor(key: string) {
    super(`the lock on ${key} is held while Redis is failing`)
    this.name = 'LockUnavailableError'
  }
}

// Deletes or extends the lock only if this holder still owns it.
const releaseScript = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"
const renewScript = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end"

/**
 * A lease lock in Redis (SET NX PX + owner-checked release), so that replicas serialise the token
 * work of one session: only one of them redeems a refresh token at a time. The holder renews the
 * lease while its work runs, so a slow token call keeps the lock until it settles: no other
 * request sends the same refresh token while the answer to the first is still outstanding.
 * The work is told whether the lease is still certainly its own (`lease.held()`): Redis confirmed
 * it less than a lease ago. Through a failover a lease that reached the replica stays the
 * holder's, and is confirmed again as soon as the promoted replica answers.
 */
export function createRedisLock(client: LockClient, options: RedisLockOptions = {}) {
  const leaseMs = options.leaseMs ?? 15_000
  const waitMs = options.waitMs ?? 10_000
  const prefix = options.prefix ?? 'lock:'
  const guard = options.guard ?? (<T>(command: () => Promise<T>) => command())

  const now = options.now ?? Date.now
  // A lease Redis confirmed at `confirmedAt` is ours until then + leaseMs on Redis's clock; this
  // much less on ours covers the trip of the confirming command and a little clock drift.
  const marginMs = Math.min(1_000, Math.floor(leaseMs / 5))
  const renewEveryMs = Math.max(10, Math.floor(leaseMs / 3))
  const renewAgainAfterFailureMs = Math.max(10, Math.min(250, Math.floor(leaseMs / 10)))

  return {
    async withLock<T>(key: string, work: (lease: SessionLease) => Promise<T>): Promise<T> {
      const lockKey = prefix + key
      const owner = randomUUID()
      const release = () => client.eval(releaseScript, { keys: [lockKey], arguments: [owner] })
      const deadline = now() + waitMs
      let pause = 5
      let confirmedAt: number
      try {
        for (;;) {
          confirmedAt = now()
          if ((await guard(() => client.set(lockKey, owner, { condition: 'NX', expiration: { type: 'PX', value: leaseMs } }))) === 'OK') break
          if (now() > deadline) throw new LockTimeoutError(key)
          if (options.stopWaiting?.()) throw new LockUnavailableError(key)
          await sleep(pause)
          pause = Math.min(pause * 2, 100)
        }
      } catch (error) {
        // An attempt the guard gave up on may still reach Redis: a Sentinel client holds commands
        // until the new primary answers, a slow Redis answers late. Taken then, the lock would
        // block the session for a lease with nobody at work. A release sent now follows those
        // attempts on the same connection; it goes past the guard, whose open circuit would drop it.
        release().catch(() => {})
        throw error
      }
      // Renewed every third of a lease; after a failed renewal (Redis down, a failover) again
      // soon, so a lease that survives the outage is confirmed as soon as Redis answers.
      let settled = false
      let renewal: NodeJS.Timeout | undefined
      const renew = (afterMs: number) => {
        renewal = setTimeout(() => {
          const sentAt = now()
          guard(() => client.eval(renewScript, { keys: [lockKey], arguments: [owner, String(leaseMs)] })).then(
            (renewed) => {
              if (renewed !== 1) {
                confirmedAt = -Infinity // taken over after it ran out: never ours again
                return
              }
              confirmedAt = sentAt
              if (!settled) renew(renewEveryMs)
            },
            () => { if (!settled) renew(renewAgainAfterFailureMs) },
          )
        }, afterMs)
      }
      renew(renewEveryMs)
      const lease: SessionLease = { held: () => now() < confirmedAt + leaseMs - marginMs }
      try {
        return await work(lease)
      } finally {
        settled = true
        clearTimeout(renewal)
        await guard(release).catch(() => {})
      }
    },
  }
}
