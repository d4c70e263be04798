import type { SessionStore } from '@fastify/session'
import type { FastifyBaseLogger, Session } from 'fastify'
import type { EndedKeysOptions } from './ended-keys.ts'
import { endedKeys } from './ended-keys.ts'
import type { RedisClient } from './redis-client.ts'
import type { TokenCacheCipher } from './token-cache-cipher.ts'

// The session store in Redis: every session sealed at rest, and ended for good.
//
// Sealed: the whole session value (PKCE verifier, nonce and state of a pending sign-in, the CSRF
// secret, the user, the token cache key and its binding, the profile, the draft) is deflated and
// sealed with AES-256-GCM under TOKEN_CACHE_KEYS, the session id being authenticated data. Someone
// who can read or write Redis but holds no app key reads nothing, forges nothing, and a value
// copied under another session id does not open: that session loads as none (signed out).
// Ended: destroying a session leaves a tombstone (ended-keys.ts) for as long as the session had
// left, and a save of a tombstoned id is dropped, so a request still in flight on another replica
// cannot write a signed-out session back. Why not connect-redis: it writes JSON in clear with a
// plain SET, and offers no hook for either.

type Callback = (error?: unknown, value?: unknown) => void

export interface SealedSessionStoreOptions {
  client: RedisClient
  /** e.g. `bff:`: sessions live under `<prefix>session:<id>`, tombstones under `<prefix>session-ended:<id>`. */
  prefix: string
  cipher: TokenCacheCipher
  /** The session's time to live in Redis (ms): its idle timeout, never past its absolute lifetime. */
  ttlMs(session: Session): number
  /** Runs each Redis command (a deadline and circuit breaker). */
  guard: <T>(work: () => Promise<T>) => Promise<T>
  log: FastifyBaseLogger
  /** Told of every write and end (the live session count). */
  saved?(sessionId: string, ttlMs: number): void
  ended?(sessionId: string): void
  tombstones?: EndedKeysOptions
  /** A Cluster's hash tag around the id (`{id}`): a session and its tombstone in one slot, as the scripts need. */
  slotTag?(id: string): string
}

/** The authenticated data of a sealed session: its id, apart from the token caches' keys. */
export const sessionSealContext = (sessionId: string) => `session:${sessionId}`

export function createSealedSessionStore(options: SealedSessionStoreOptions): SessionStore {
  const { client, cipher, guard, log } = options
  const slotTag = options.slotTag ?? ((id: string) => id)
  // `session:{id}` and `session-ended:{id}` on a Cluster: the tag keeps them in one hash slot.
  const sessionKey = (id: string) => `${options.prefix}session:${slotTag(id)}`
  const sessions = endedKeys(client, (key) => `${options.prefix}session-ended:${key.slice(`${options.prefix}session:`.length)}`, options.tombstones)
  const answer = (callback: Callback) => (promise: Promise<unknown>) => void promise.then((value) => callback(undefined, value), callback)

  function open(id: string, sealed: string): Session | null {
    try {
      return JSON.parse(cipher.open(sealed, sessionSealContext(id))) as Session
    } catch (error) {
      // Not sealed for this id with our keys: copied from another session, written by someone
      // without the keys, or sealed by a key no longer configured. Signed out, never trusted.
      log.warn({ err: error instanceof Error ? error.message : String(error) }, 'a session in Redis did not open: treated as none')
      return null
    }
  }

  return {
    get: (id, callback) => answer(callback as Callback)(guard(async () => {
      const sealed = await client.get(sessionKey(id))
      return sealed ? open(id, sealed) : null
    })),
    set: (id, session, callback) => answer(callback)(guard(async () => {
      const ttlMs = options.ttlMs(session)
      const written = await sessions.write(sessionKey(id), cipher.seal(JSON.stringify(session), sessionSealContext(id)), ttlMs)
      if (written) options.saved?.(id, ttlMs)
    })),
    destroy: (id, callback) => answer(callback)(guard(async () => {
      options.ended?.(id)
      await sessions.end(sessionKey(id))
    })),
  }
}
