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
