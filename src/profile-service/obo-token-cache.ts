import { createHash } from 'node:crypto'
import { LRUCache } from 'lru-cache'

// Graph tokens obtained on behalf of callers, keyed by a hash of the caller's token (never the
// token itself), least recently used first out. Bounded in entries, so memory stays bounded
// whatever the number of distinct callers; an entry is reused only while it has `reuseMarginMs`
// of life left, so Graph never sees a token that expires mid-request.

export interface OboTokenCacheOptions {
  maxEntries: number
  reuseMarginMs: number
  now?: () => number
}

export function createOboTokenCache({ maxEntries, reuseMarginMs, now = Date.now }: OboTokenCacheOptions) {
  const entries = new LRUCache<string, { accessToken: string; expiresAt: number }>({ max: maxEntries })
  const keyOf = (assertion: string) => createHash('sha256').update(assertion).digest('base64url')

  return {
    get size() {
      return entries.size
    },
    get(assertion: string): string | undefined {
      const key = keyOf(assertion)
      const entry = entries.get(key)
      if (!entry) return undefined
      if (entry.expiresAt - reuseMarginMs <= now()) {
        entries.delete(key)
        return undefined
      }
      return entry.accessToken
    },
    set(assertion: string, accessToken: string, expiresAt: number) {
      entries.set(keyOf(assertion), { accessToken, expiresAt })
    },
  }
}

export type OboTokenCache = ReturnType<typeof createOboTokenCache>
