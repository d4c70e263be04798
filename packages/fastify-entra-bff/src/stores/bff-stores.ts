import type { FastifyRateLimitStoreCtor } from '@fastify/rate-limit'
import type { SessionStore } from '@fastify/session'
import type { DependencyCheck } from '../../../../src/bff/routes/health.ts'
import type { LiveSessions } from './live-sessions.ts'
import type { SessionIndex } from './session-index.ts'
import type { SessionLock, TokenCacheStore } from './token-cache-store.ts'

// What the BFF keeps outside its process when it runs as several replicas (Redis with REDIS_URL,
// redis-stores.ts); anything not given is kept in this process's memory.

export interface BffStores {
  sessionStore?: SessionStore
  tokenCaches?: TokenCacheStore
  locks?: SessionLock
  /** Shared dependencies reported by /health/dependencies (never by readiness). */
  dependencies?: Record<string, DependencyCheck>
  /** Where /auth/* rate limits count (Redis with REDIS_URL); this process's memory otherwise. */
  rateLimitStore?: FastifyRateLimitStoreCtor
  /** Sessions by tenant session (sid) and user (oid), to end them from elsewhere (Redis with REDIS_URL). */
  sessionIndex?: SessionIndex
  /** How many sessions `sessionStore` holds, for the active sessions gauge (given only while metrics are exported). */
  liveSessions?: LiveSessions
}
