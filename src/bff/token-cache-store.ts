// Where each session's msal token cache lives, and the lock that serialises token work of one
// session. Kept apart from the session object on purpose: two concurrent requests of a session
// each load their own copy of the session, so a cache inside it would lose a rotated refresh
// token. Here the cache is read fresh inside the lock, used, and written back before release.

export interface TokenCacheStore {
  get(key: string): Promise<string | undefined>
  set(key: string, serializedCache: string, ttlMs: number): Promise<void>
  delete(key: string): Promise<void>
  /** Bytes stored for one key (for the benchmark's footprint figure). */
  sizeOf(key: string): Promise<number>
}

export interface SessionLock {
  withLock<T>(key: string, work: () => Promise<T>): Promise<T>
}

export function createMemoryTokenCacheStore(): TokenCacheStore {
  const entries = new Map<string, { value: string; expiresAt: number }>()
  const sweep = setInterval(() => {
    const now = Date.now()
    for (const [key, entry] of entries) if (entry.expiresAt <= now) entries.delete(key)
  }, 60_000)
  sweep.unref()
  return {
    async get(key) {
      const entry = entries.get(key)
      if (!entry || entry.expiresAt <= Date.now()) return undefined
      return entry.value
    },
    async set(key, value, ttlMs) {
      entries.set(key, { value, expiresAt: Date.now() + ttlMs })
    },
    async delete(key) {
      entries.delete(key)
    },
    async sizeOf(key) {
      return Buffer.byteLength(entries.get(key)?.value ?? '')
    },
  }
}

/** In one process: a promise chain per key, so work under one key runs one at a time. */
export function createMemorySessionLock(): SessionLock {
  const tails = new Map<string, Promise<unknown>>()
  return {
    async withLock(key, work) {
      const previous = tails.get(key) ?? Promise.resolve()
      const run = previous.then(work, work)
      const tail = run.catch(() => {})
      tails.set(key, tail)
      try {
        return await run
      } finally {
        if (tails.get(key) === tail) tails.delete(key)
      }
    },
  }
}
