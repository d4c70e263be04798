import { createHash } from 'node:crypto'

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
  const entries = new Map<string, { accessToken: string; expiresAt: number }>()
  const keyOf = (assertion: string) => createHash('sha256').update(assertion).digest('base64url')

  return {
    get size() {
      return entries.size
    },
    get(assertion: string): string | undefined {
      const key = keyOf(assertion)
      const entry = entries.get(key)
      if (!entry) return undefined
      entries.delete(key)
      if (entry.expiresAt - reuseMarginMs <= now()) return undefined
      entries.set(key, entry) // most recently used goes last
      return entry.accessToken
    },
    set(assertion: string, accessToken: string, expiresAt: number) {
      const key = keyOf(assertion)
      entries.delete(key)
      entries.set(key, { accessToken, expiresAt })
      while (entries.size > maxEntries) entries.delete(entries.keys().next().value!)
    },
  }
}

export type OboTokenCache = ReturnType<typeof createOboTokenCache>
