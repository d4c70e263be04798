import type { Session } from 'fastify'

// How many sessions a session store holds that have not expired: the `bff.sessions.active`
// gauge (metrics.ts) asks at each collection, only while metrics are exported. The Redis
// count is in redis-live-sessions.ts, loaded with the other Redis stores.

export interface LiveSessions {
  /** `memory`: this process's sessions; `redis`: the store every replica shares. */
  store: 'memory' | 'redis'
  /** The sessions alive now, or undefined when the store cannot say in time (no observation beats a wrong one). */
  count(): Promise<number | undefined>
}

/**
 * @fastify/session's MemoryStore keeps an expired session until its cookie comes back, so this
 * counts the ones still alive: before their cookie expires (what @fastify/session checks on load)
 * and within their absolute lifetime (what the session plugin checks). A walk over the map per
 * collection: the memory store is for one process, not for millions of sessions.
 */
export function memoryLiveSessions(sessions: { values(): Iterable<Session> }, options: { absoluteTimeoutMs: number; now?: () => number }): LiveSessions {
  const now = options.now ?? Date.now
  return {
    store: 'memory',
    async count() {
      const at = now()
      let alive = 0
      for (const session of sessions.values()) {
        const expires = session.cookie.expires
        if (expires && new Date(expires).getTime() <= at) continue
        if (session.createdAt && at - session.createdAt > options.absoluteTimeoutMs) continue
        alive += 1
      }
      return alive
    },
  }
}
