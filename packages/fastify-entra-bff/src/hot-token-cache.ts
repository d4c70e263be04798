import type { AuthenticationResult } from '@azure/msal-node'
import { boundedLru } from './bounded-lru.ts'

// The tokens msal last returned, per session and scopes, until they are due for renewal. A hit
// returns exactly what msal would return from its cache, without building a client and reading
// the serialized cache (most of the BFF's CPU per page, measured in bench/). Bounded in sessions,
// least recently used out; dropped with the session's token cache; never consulted when claims
// are asked for (the caller's choice).

/** msal treats a token as due for renewal five minutes before it expires; so do we. */
const renewalOffsetMs = 5 * 60_000

interface HotToken { result: AuthenticationResult; renewAt: number }

export interface HotTokenCacheOptions {
  maxSessions?: number
  now?: () => number
}

export function createHotTokenCache({ maxSessions = 10_000, now = Date.now }: HotTokenCacheOptions = {}) {
  const sessions = boundedLru<Map<string, HotToken>>(maxSessions)
  return {
    /** The token msal returned for these scopes, while it is not due for renewal and belongs to `homeAccountId`. */
    get(cacheKey: string, scopes: string[], homeAccountId: string): AuthenticationResult | undefined {
      const hot = sessions.get(cacheKey)?.get(scopes.join(' '))
      if (!hot || hot.renewAt <= now() || hot.result.account?.homeAccountId !== homeAccountId) return undefined
      return hot.result
    },

    remember(cacheKey: string, scopes: string[], result: AuthenticationResult) {
      const renewAt = (result.expiresOn?.getTime() ?? 0) - renewalOffsetMs
      if (renewAt <= now()) return
      let perSession = sessions.get(cacheKey)
      if (!perSession) {
        perSession = new Map()
        sessions.set(cacheKey, perSession)
      }
      perSession.set(scopes.join(' '), { result, renewAt })
    },

    forget(cacheKey: string) {
      sessions.delete(cacheKey)
    },
  }
}

export type HotTokenCache = ReturnType<typeof createHotTokenCache>
