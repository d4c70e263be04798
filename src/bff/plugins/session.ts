import cookie from '@fastify/cookie'
import session, { type SessionStore } from '@fastify/session'
import type { FastifyInstance } from 'fastify'
import type { BffSessionConfig } from '../../config/types.ts'

// The session cookie is the only thing the browser holds: opaque, signed, HttpOnly.
// SameSite=Lax, not Strict: the tenant redirects back to /auth/redirect with a cross-site
// top-level GET, and the cookie must come with it to find the pending state, nonce and PKCE
// verifier. Lax still keeps it off cross-site POSTs, and CSRF tokens guard every change.

export function sessionCookieName(config: BffSessionConfig): string {
  // __Host-: only on https, no Domain, Path=/ — the cookie cannot be planted by a subdomain.
  return config.secureCookie ? '__Host-session' : 'session'
}

export async function registerSession(app: FastifyInstance, config: BffSessionConfig, store: SessionStore | undefined, onExpired: (tokenCacheKey: string) => Promise<void>) {
  await app.register(cookie)
  await app.register(session, {
    secret: config.secrets,
    cookieName: sessionCookieName(config),
    cookie: { httpOnly: true, secure: config.secureCookie, sameSite: 'lax', path: '/', maxAge: config.idleTimeoutMs },
    rolling: false, // the sliding idle timeout is renewed below, at most once a minute
    saveUninitialized: false,
    ...(store ? { store } : {}),
  })
  // The absolute lifetime: however active, a session ends after absoluteTimeoutMs (with its
  // token cache); the request goes on with a fresh, signed-out session.
  app.addHook('preHandler', async (request) => {
    const { createdAt, tokenCacheKey, renewedAt } = request.session
    if (!createdAt) return
    if (Date.now() - createdAt > config.absoluteTimeoutMs) {
      if (tokenCacheKey) await onExpired(tokenCacheKey)
      await request.session.regenerate()
      return
    }
    // Sliding idle timeout: renewing on every request would rewrite the store (a Redis round
    // trip) and the cookie each time; once a minute keeps the idle timeout within a minute.
    if (Date.now() - (renewedAt ?? createdAt) > 60_000) {
      request.session.touch()
      request.session.renewedAt = Date.now()
    }
  })
}
