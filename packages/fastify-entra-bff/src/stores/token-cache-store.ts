import { setTimeout as sleep } from 'node:timers/promises'
import { boundedLru } from '../bounded-lru.ts'
import { DependencyFailure } from '../failures.ts'

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

/** What the work under a session's lock may ask of it. */
export interface SessionLease {
  /** True while the lock is certainly still this work's (in Redis: confirmed less than a lease ago). */
  held(): boolean
}

export interface SessionLock {
  withLock<T>(key: string, work: (lease: SessionLease) => Promise<T>): Promise<T>
}

/** In one process the lock is the work's until the work settles. */
const heldInProcess: SessionLease = { held: () => true }

/**
 * Writes a token cache that could not be written (Redis down or switching primaries) again and
 * again, while the session's lock is still certainly held: the cache holds a refresh token the
 * tenant has just rotated, and the stored one is spent. Once the lease is no longer certain,
 * another request may already be using the session, and a late write could undo its tokens.
 * Resolves true when the cache was written.
 */
export async function writeWhileHeld(write: () => Promise<void>, lease: SessionLease, pauses: { firstMs?: number; mostMs?: number } = {}): Promise<boolean> {
  let pause = pauses.firstMs ?? 50
  while (lease.held()) {
    try {
      await write()
      return true
    } catch {
      await sleep(pause)
      pause = Math.min(pause * 2, pauses.mostMs ?? 1_000)
    }
  }
  return false
}

/**
 * In one process (no REDIS_URL). Bounded, least recently used out: past `maxSessions` the idlest
 * session's tokens go, and that user signs in again, rather than the process running out of
 * memory (about 6 KB a session). Entries past their time to live read as missing.
 */
export function createMemoryTokenCacheStore({ maxSessions = 50_000 }: { maxSessions?: number } = {}): TokenCacheStore {
  const entries = boundedLru<string>(maxSessions)
  return {
    async get(key) {
      return entries.get(key)
    },
    async set(key, value, ttlMs) {
      // lru-cache reads a ttl of 0 as "never expires"; here it means "already expired".
      if (ttlMs > 0) entries.set(key, value, { ttl: ttlMs })
      else entries.delete(key)
    },
    async delete(key) {
      entries.delete(key)
    },
    async sizeOf(key) {
      return Buffer.byteLength(entries.peek(key) ?? '')
    },
  }
}

/**
 * In one process: a promise chain per key, so work under one key runs one at a time. A request
 * waits for its turn at most `waitMs`, then answers "busy" (503) instead of queueing forever.
 */
export function createMemorySessionLock(waitMs = 10_000): SessionLock {
  const tails = new Map<string, Promise<void>>()
  return {
    async withLock(key, work) {
      const previous = tails.get(key)
      let release!: () => void
      const mine = new Promise<void>((resolve) => (release = resolve))
      const tail = previous ? previous.then(() => mine) : mine
      tails.set(key, tail)
      // Forget the key once everything queued on it has finished, not when one waiter gives up.
      void tail.then(() => { if (tails.get(key) === tail) tails.delete(key) })
      let timer: NodeJS.Timeout | undefined
      try {
        if (previous) {
          const myTurn = await Promise.race([previous.then(() => true), new Promise<false>((resolve) => (timer = setTimeout(resolve, waitMs, false)))])
          if (!myTurn) throw new DependencyFailure('store-busy')
        }
        return await work(heldInProcess)
      } finally {
        clearTimeout(timer)
        release()
      }
    },
  }
}
