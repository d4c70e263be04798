import type { SessionStore } from '@fastify/session'
import type { Session } from 'fastify'
import { LRUCache } from 'lru-cache'

// The session store of a single BFF process without Redis (the dev default). @fastify/session's
// own MemoryStore is an unbounded Map that keeps an expired session until its cookie comes back;
// this one forgets a session its idle timeout after the last write (the plugin writes an active
// session at least once a minute) and, when full, the least recently used.

/** Sessions one process keeps at most: a few KB each, so tens of MB at the bound. */
export const memorySessionLimit = 10_000

export function createMemorySessionStore(options: { idleTimeoutMs: number; max?: number }) {
  // A minute beyond the idle timeout: the plugin renews an active session once a minute.
  const sessions = new LRUCache<string, Session>({ max: options.max ?? memorySessionLimit, ttl: options.idleTimeoutMs + 60_000 })
  const store: SessionStore = {
    set(sessionId, session, callback) {
      sessions.set(sessionId, session)
      callback()
    },
    get(sessionId, callback) {
      callback(null, sessions.get(sessionId) ?? null)
    },
    destroy(sessionId, callback) {
      sessions.delete(sessionId)
      callback()
    },
  }
  return { store, sessions }
}
