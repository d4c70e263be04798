import { timeout, TimeoutStrategy } from 'cockatiel'
import type { LiveSessions } from './live-sessions.ts'
import type { RedisClient } from './redis-client.ts'

// How many sessions the shared Redis store holds, counted cheaply enough to ask at every metric
// collection of every replica.
//
// A sorted set of session ids scored by when each expires, kept on every save and end of a
// session (one script sent along with the session's own write, not awaited: a lost write costs one
// session's count until its next save, never a user's request). Counting is one ZCOUNT of the
// scores still ahead, O(log n) however many sessions there are. Why not connect-redis' `length()`:
// it SCANs the whole keyspace, a cost that grows with every key in Redis, at each collection of
// each replica. Ids past their expiry are trimmed on each write, so the set stays about as big as
// the live sessions, and the set expires when no session has been written for a whole lifetime.

// Trim, add and extend in one script on the one key (one slot on a Cluster): KEYS[1] the set;
// ARGV[1] now, ARGV[2] the session id, ARGV[3] its expiry, ARGV[4] the set's own time to live.
const savedScript = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[2])
return redis.call('PEXPIRE', KEYS[1], ARGV[4])`

export interface RedisLiveSessionsOptions {
  /** The sorted set's key, e.g. `bff:live-sessions`. */
  key: string
  /** The longest a session can live (its absolute lifetime): the set itself expires after a quiet spell this long. */
  lifetimeMs: number
  /** Longest wait for a count before the collection goes on without one (default 1 s, the store guard's command deadline). */
  deadlineMs?: number
  now?: () => number
}

export interface RedisLiveSessions extends LiveSessions {
  /** A session was written with this time to live. */
  saved(sessionId: string, ttlMs: number): void
  /** A session was destroyed. */
  ended(sessionId: string): void
}

/** Counts every replica's sessions: each replica reports the same number. */
export function createRedisLiveSessions(client: RedisClient, options: RedisLiveSessionsOptions): RedisLiveSessions {
  const { key } = options
  const now = options.now ?? Date.now
  // node-redis has no deadline for a command a frozen Redis holds: a late answer is ignored.
  const deadline = timeout(options.deadlineMs ?? 1_000, TimeoutStrategy.Aggressive)
  const ignoreFailure = () => {}
  return {
    store: 'redis',
    saved(sessionId: string, ttlMs: number) {
      const at = now()
      client.eval(savedScript, { keys: [key], arguments: [String(at), sessionId, String(at + ttlMs), String(options.lifetimeMs)] })
        .catch(ignoreFailure)
    },
    ended(sessionId: string) {
      client.zRem(key, sessionId).catch(ignoreFailure)
    },
    async count() {
      try {
        // `(` excludes the bound: a session expiring exactly now is gone.
        return await deadline.execute(() => client.zCount(key, `(${now()}`, '+inf'))
      } catch {
        return undefined
      }
    },
  }
}
