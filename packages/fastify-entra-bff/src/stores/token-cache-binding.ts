import { createHmac, timingSafeEqual } from 'node:crypto'
import type { FastifySessionObject } from '@fastify/session'
import { boundedLru } from '../bounded-lru.ts'

/** What a binding reads of a session: its id, its user and its token cache. */
type Session = Pick<FastifySessionObject, 'sessionId' | 'user' | 'tokenCacheKey' | 'tokenCacheBinding'>

// A session's token cache opens only for that session and its user. The token cache key alone
// would open the victim's tokens from any session it is copied into (issue 23: someone able to
// write Redis copied a victim's `user` and `tokenCacheKey` into their own session). So the session
// also keeps a binding: an HMAC, under the session secret, of the session id, the user and the
// key. Copying the key, the user or both into another session (another id) breaks it, and the
// session plugin answers "sign in again" before any token is touched. Why an HMAC next to the key
// rather than a key derived from the session id: the id rotates at every sign-in and step-up
// (after the code is redeemed into the cache), and re-binding is one HMAC, not a re-keyed cache.
// The first SESSION_SECRETS entry binds, every entry verifies (rotation, as for the cookie).

function mac(secret: string, session: Session, tokenCacheKey: string): Buffer {
  const account = session.user?.account.homeAccountId ?? ''
  return createHmac('sha256', secret).update(`token-cache\n${session.sessionId}\n${session.user?.oid ?? ''}\n${account}\n${tokenCacheKey}`).digest()
}

/** Gives the session this token cache, bound to its current id and user: call after the id rotated and the user is set. */
export function bindTokenCache(session: Session, tokenCacheKey: string, secrets: string[]) {
  session.tokenCacheKey = tokenCacheKey
  session.tokenCacheBinding = mac(secrets[0], session, tokenCacheKey).toString('base64url')
}

/** Whether the session's token cache key was bound to this very session and user. */
export function tokenCacheIsBound(session: Session, secrets: string[]): boolean {
  const { tokenCacheKey, tokenCacheBinding } = session
  if (!tokenCacheKey || typeof tokenCacheBinding !== 'string') return false
  const given = Buffer.from(tokenCacheBinding, 'base64url')
  return secrets.some((secret) => {
    const expected = mac(secret, session, tokenCacheKey)
    return given.length === expected.length && timingSafeEqual(given, expected)
  })
}

/**
 * `tokenCacheIsBound`, remembering the bindings it verified: every request of a signed-in session
 * otherwise computes an HMAC. A hit needs the exact id, user, key and binding a full check
 * accepted before; anything else is checked in full. Bounded: the least recently used go first.
 */
export function rememberingBindingCheck(secrets: string[], remembered = 10_000): (session: Session) => boolean {
  const verified = boundedLru<true>(remembered)
  return (session) => {
    const { tokenCacheKey, tokenCacheBinding } = session
    if (!tokenCacheKey || typeof tokenCacheBinding !== 'string') return false
    const tuple = `${session.sessionId}\n${session.user?.oid ?? ''}\n${session.user?.account.homeAccountId ?? ''}\n${tokenCacheKey}\n${tokenCacheBinding}`
    if (verified.has(tuple)) return true
    const bound = tokenCacheIsBound(session, secrets)
    if (bound) verified.set(tuple, true)
    return bound
  }
}
