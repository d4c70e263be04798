import type { RedisClient } from './redis-client.ts'

// Which sessions belong to a tenant session (`sid`, for front-channel logout, whose iframe carries
// no cookie) and to a user (`oid`, for "sign out of every device"). Entries live as long as a
// session can; a listed session that has ended already is simply not found when it is ended.
// Ending removes only the sessions it ended, never the whole entry: a session indexed meanwhile
// (a sign-in on another device at that moment) stays findable by the next "sign out everywhere".

export type SessionIndexKind = 'sid' | 'oid'

export interface SessionIndex {
  add(kind: SessionIndexKind, value: string, sessionId: string, ttlMs: number): Promise<void>
  sessionsOf(kind: SessionIndexKind, value: string): Promise<string[]>
  /** Forgets these sessions under this sid or oid (they have ended); the entry's other sessions stay. */
  remove(kind: SessionIndexKind, value: string, sessionIds: string[]): Promise<void>
}

export function createMemorySessionIndex(): SessionIndex {
  const entries = new Map<string, { sessionIds: Set<string>; expiresAt: number }>()
  const sweep = () => {
    const now = Date.now()
    for (const [key, entry] of entries) if (entry.expiresAt <= now) entries.delete(key)
  }
  return {
    async add(kind, value, sessionId, ttlMs) {
      sweep()
      const key = `${kind}:${value}`
      const entry = entries.get(key) ?? { sessionIds: new Set<string>(), expiresAt: 0 }
      entry.sessionIds.add(sessionId)
      entry.expiresAt = Math.max(entry.expiresAt, Date.now() + ttlMs)
      entries.set(key, entry)
    },
    async sessionsOf(kind, value) {
      const entry = entries.get(`${kind}:${value}`)
      return entry && entry.expiresAt > Date.now() ? [...entry.sessionIds] : []
    },
    async remove(kind, value, sessionIds) {
      const entry = entries.get(`${kind}:${value}`)
      if (!entry) return
      for (const sessionId of sessionIds) entry.sessionIds.delete(sessionId)
      if (entry.sessionIds.size === 0) entries.delete(`${kind}:${value}`)
    },
  }
}

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
