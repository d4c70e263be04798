import type { Session } from 'fastify'
import type { SessionStore } from '@fastify/session'
import type { SessionIndex, SessionIndexKind } from './stores/session-index.ts'

// Ends sessions other than the one making the request (front-channel logout, sign out of every
// device): each named session leaves the session store, and its token cache goes with it. With
// Redis both are shared, so every replica sees the session gone at its next request. Destroying
// leaves a tombstone (stores/ended-keys.ts, stores/memory-session-store.ts): a request of the
// session still in flight elsewhere cannot save it back. Every replica loads the session from the
// store at each request before it touches its tokens, in-process hot tokens included, so a
// replica that still holds them in memory never uses them again.

export interface SessionEndingDeps {
  store: SessionStore
  index: SessionIndex
  /** Drops a session's token cache (and the in-process copy of its tokens). */
  forgetTokens(tokenCacheKey: string): Promise<void>
}

export function createSessionEnding({ store, index, forgetTokens }: SessionEndingDeps) {
  const load = (sessionId: string) => new Promise<Session | undefined>((resolve, reject) =>
    store.get(sessionId, (error, session) => (error ? reject(error) : resolve((session ?? undefined) as Session | undefined))))
  const destroy = (sessionId: string) => new Promise<void>((resolve, reject) =>
    store.destroy(sessionId, (error) => (error ? reject(error) : resolve())))

  return {
    /** Ends every session indexed under this sid or oid; answers how many still existed. */
    async endAll(kind: SessionIndexKind, value: string): Promise<number> {
      let ended = 0
      const sessionIds = await index.sessionsOf(kind, value)
      for (const sessionId of sessionIds) {
        const session = await load(sessionId)
        if (session?.tokenCacheKey) await forgetTokens(session.tokenCacheKey)
        // Destroyed even when not found: the sign-in that indexed it may not have saved it yet,
        // and the tombstone keeps that save from bringing it back.
        await destroy(sessionId)
        if (session) ended += 1
      }
      // Only the ids ended here leave the index: one added meanwhile stays findable.
      await index.remove(kind, value, sessionIds)
      return ended
    },
  }
}

export type SessionEnding = ReturnType<typeof createSessionEnding>
