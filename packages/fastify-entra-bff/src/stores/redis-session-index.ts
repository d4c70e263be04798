import type { RedisClient } from './redis-client.ts'
import type { SessionIndex, SessionIndexKind } from './session-index.ts'

// The session index (session-index.ts) in Redis, shared by every replica.

// SADD and PEXPIRE of one key as one script: one slot, so a Cluster takes it like one node.
const addScript = `
redis.call('SADD', KEYS[1], ARGV[1])
return redis.call('PEXPIRE', KEYS[1], ARGV[2])`

/** A Redis set per sid or oid, every replica sees it; it expires with the newest session it names (the longest-lived: one absolute lifetime for all). */
export function createRedisSessionIndex(client: RedisClient, prefix: string, guard: <T>(work: () => Promise<T>) => Promise<T>): SessionIndex {
  const key = (kind: SessionIndexKind, value: string) => `${prefix}${kind}:${value}`
  return {
    add: (kind, value, sessionId, ttlMs) => guard(async () => {
      await client.eval(addScript, { keys: [key(kind, value)], arguments: [sessionId, String(Math.max(1, Math.ceil(ttlMs)))] })
    }),
    sessionsOf: (kind, value) => guard(() => client.sMembers(key(kind, value))),
    remove: (kind, value, sessionIds) => guard(async () => {
      if (sessionIds.length > 0) await client.sRem(key(kind, value), sessionIds)
    }),
  }
}
