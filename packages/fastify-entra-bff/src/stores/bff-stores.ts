import type { SessionStore } from '@fastify/session'
import type { LiveSessions } from './live-sessions.ts'
import type { SessionIndex } from './session-index.ts'
import type { SessionLock, TokenCacheStore } from './token-cache-store.ts'

// What the plugin keeps outside the process when an app runs as several replicas (Redis:
// `createRedisStores` from 'fastify-entra-bff/redis'); anything not given is kept in this
// process's memory.

/** A shared dependency's health: a problem in a few words, or nothing when it answers. */
export type DependencyCheck = () => Promise<string | undefined>

export interface EntraBffStores {
  sessionStore?: SessionStore
  tokenCaches?: TokenCacheStore
  locks?: SessionLock
  /** Shared dependencies an app's health route may report (never its readiness). */
  dependencies?: Record<string, DependencyCheck>
  /** Sessions by tenant session (sid) and user (oid), to end them from elsewhere. */
  sessionIndex?: SessionIndex
  /** How many sessions `sessionStore` holds, for the active sessions gauge (given only while metrics are exported). */
  liveSessions?: LiveSessions
}

