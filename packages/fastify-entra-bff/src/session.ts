import cookie, { Signer } from '@fastify/cookie'
import session, { type SessionStore } from '@fastify/session'
import type { FastifyInstance } from 'fastify'
import type { LRUCache } from 'lru-cache'
import { boundedLru } from './bounded-lru.ts'
import type { SessionSettings } from './config-types.ts'
import { SignInRequiredError } from './identity.ts'
import { rememberingBindingCheck } from './stores/token-cache-binding.ts'

// The session cookie is the only thing the browser holds: opaque, signed, HttpOnly.
// SameSite=Lax, not Strict: the tenant redirects back to /auth/redirect with a cross-site
// top-level GET, and the cookie must come with it to find the pending state, nonce and PKCE
// verifier. Lax still keeps it off cross-site POSTs, and CSRF tokens guard every change.

export function sessionCookieName(config: SessionSettings): string {
  // __Host-: only on https, no Domain, Path=/ — the cookie cannot be planted by a subdomain.
  return config.secureCookie ? '__Host-session' : 'session'
}

const rememberedCookies = 10_000

/**
 * @fastify/cookie's signer, remembering the cookies it verified and the ids it signed: every
 * request of a session otherwise computes two HMACs (unsign the cookie; sign the id again when
 * @fastify/session rebuilds the session). A hit needs the exact signed value a full check
 * accepted before; a miss is checked as always. Bounded: the least recently used go first.
 */
export function rememberingSigner(secrets: string[]) {
  const signer = new Signer(secrets, 'sha256')
  const verified = boundedLru<ReturnType<Signer['unsign']>>(rememberedCookies)
  const signed = boundedLru<string>(rememberedCookies)
  const keep = <V extends {}>(cache: LRUCache<string, V>, key: string, value: V) => {
    cache.set(key, value)
    return value
  }
  return {
    sign: (value: string) => signed.get(value) ?? keep(signed, value, signer.sign(value)),
    unsign(signedValue: string) {
      const known = verified.get(signedValue)
      if (known) return known
      const result = signer.unsign(signedValue)
      return result.valid ? keep(verified, signedValue, result) : result
    },
  }
}

export async function registerSession(app: FastifyInstance, config: SessionSettings, store: SessionStore | undefined, onExpired: (tokenCacheKey: string) => Promise<void>) {
  // The BFF parses cookies at its root (the language cookie on every page); a host without it gets it here.
  if (!app.hasPlugin('@fastify/cookie')) await app.register(cookie)
  await app.register(session, {
    secret: rememberingSigner(config.secrets),
    cookieName: sessionCookieName(config),
    cookie: { httpOnly: true, secure: config.secureCookie, sameSite: 'lax', path: '/', maxAge: config.idleTimeoutMs },
    rolling: false, // the sliding idle timeout is renewed below, at most once a minute
    saveUninitialized: false,
    ...(store ? { store } : {}),
  })
  // The absolute lifetime: however active, a session ends after absoluteTimeoutMs (with its
  // token cache); the request goes on with a fresh, signed-out session.
  // A callback hook, not an async one: most requests have nothing to do here, and an async hook
  // costs a promise per request.
  const clock = config.now ?? Date.now
  const isBound = rememberingBindingCheck(config.secrets)
  app.addHook('preHandler', (request, _reply, done) => {
    // No session on a 404 a static file hands to the pages' not-found handler: it came through
    // the context without the session, and its page renders signed out.
    if (!request.session) return done()
    const { createdAt, tokenCacheKey, renewedAt } = request.session
    // A token cache key that was not bound to this session and user was copied from another
    // session: it opens nothing. The key is dropped here, so the sign-in-again answer (the error
    // handler, which keeps the draft) does not delete the other session's tokens.
    if (tokenCacheKey && !isBound(request.session)) {
      request.session.tokenCacheKey = undefined
      request.session.tokenCacheBinding = undefined
      return done(new SignInRequiredError('the token cache key is not bound to this session'))
    }
    if (!createdAt) return done()
    const now = clock()
    if (now - createdAt > config.absoluteTimeoutMs) {
      void (async () => {
        if (tokenCacheKey) await onExpired(tokenCacheKey)
        await request.session.regenerate()
      })().then(() => done(), done)
      return
    }
    // Sliding idle timeout: renewing on every request would rewrite the store (a Redis round
    // trip) and the cookie each time; once a minute keeps the idle timeout within a minute.
    if (now - (renewedAt ?? createdAt) > 60_000) {
      request.session.touch()
      request.session.renewedAt = now
    }
    done()
  })
}
