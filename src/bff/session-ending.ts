import type { Session } from 'fastify'
import type { SessionStore } from '@fastify/session'
import type { SessionIndex, SessionIndexKind } from './stores/session-index.ts'

// Ends sessions other than the one making the request (front-channel logout, sign out of every
// device): each named session leaves the session store, and its token cache goes with it. With
// Redis both are shared, so every replica sees the session gone at its next request.

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
      for (const sessionId of await index.sessionsOf(kind, value)) {
        const session = await load(sessionId)
        if (!session) continue
        if (session.tokenCacheKey) await forgetTokens(session.tokenCacheKey)
        await destroy(sessionId)
        ended += 1
      }
      await index.remove(kind, value)
      return ended
    },
  }
}

export type SessionEnding = ReturnType<typeof createSessionEnding>
