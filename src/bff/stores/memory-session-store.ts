import { MemoryStore, type SessionStore } from '@fastify/session'
import type { Session } from 'fastify'
import { LRUCache } from 'lru-cache'

// The session store of one replica (no REDIS_URL): @fastify/session's MemoryStore with the same
// rule as Redis (sealed-session-store.ts): an ended session cannot be written back. A request of
// the session still in flight when "sign out of every device" or front-channel logout ended it
// saves its copy at its end; the tombstone drops that save. Nothing is sealed: the sessions never
// leave the process.

export interface MemorySessionStoreOptions {
  /** How long an ended session id stays ended: longer than any request that may still save it. */
  tombstoneMs?: number
  /** Tombstones kept at most; past it the oldest go (a session ended that long ago has no request in flight). */
  maxTombstones?: number
}

export function createMemorySessionStore(sessions: Map<string, Session>, options: MemorySessionStoreOptions = {}): SessionStore {
  const store = new MemoryStore(sessions)
  const ended = new LRUCache<string, true>({ max: options.maxTombstones ?? 100_000, ttl: options.tombstoneMs ?? 5 * 60_000 })
  return {
    get: (id, callback) => store.get(id, callback),
    set(id, session, callback) {
      if (ended.has(id)) return callback()
      store.set(id, session, callback)
    },
    destroy(id, callback) {
      ended.set(id, true)
      store.destroy(id, callback)
    },
  }
}
