import type { SessionStore } from '@fastify/session'
import type { Session } from 'fastify'
import { boundedLru } from '../bounded-lru.ts'

// The session store of a single BFF process without Redis (the dev default). @fastify/session's
// own MemoryStore is an unbounded Map that keeps an expired session until its cookie comes back;
// this one forgets a session its idle timeout after the last write (the plugin writes an active
// session at least once a minute) and, when full, the least recently used.
// The same rule as Redis (sealed-session-store.ts): an ended session cannot be written back. A
// request of the session still in flight when "sign out of every device" or front-channel logout
// ended it saves its copy at its end; the tombstone drops that save. Nothing is sealed: the
// sessions never leave the process.

/** Sessions one process keeps at most: a few KB each, so tens of MB at the bound. */
export const memorySessionLimit = 10_000

export interface MemorySessionStoreOptions {
  idleTimeoutMs: number
  max?: number
  /** How long an ended session id stays ended: longer than any request that may still save it. */
  tombstoneMs?: number
  /** Tombstones kept at most; past it the oldest go (a session ended that long ago has no request in flight). */
  maxTombstones?: number
}

export function createMemorySessionStore(options: MemorySessionStoreOptions) {
  // A minute beyond the idle timeout: the plugin renews an active session once a minute.
  const sessions = boundedLru<Session>(options.max ?? memorySessionLimit, { ttl: options.idleTimeoutMs + 60_000 })
  const ended = boundedLru<true>(options.maxTombstones ?? 100_000, { ttl: options.tombstoneMs ?? 5 * 60_000 })
  const store: SessionStore = {
    set(sessionId, session, callback) {
      if (!ended.has(sessionId)) sessions.set(sessionId, session)
      callback()
    },
    get(sessionId, callback) {
      callback(null, sessions.get(sessionId) ?? null)
    },
    destroy(sessionId, callback) {
      ended.set(sessionId, true)
      sessions.delete(sessionId)
      callback()
    },
  }
  return { store, sessions }
}
