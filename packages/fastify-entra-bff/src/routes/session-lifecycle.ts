import type { FastifyInstance } from 'fastify'
import type { XStatic } from 'typebox/schema'
import type { EntraBffContext } from '../context.ts'
import { csrfProtectedForm } from '../csrf-form.ts'
import { fromTenantDiscovery } from '../failures.ts'

// Sessions ended from elsewhere: the tenant's front-channel logout (its logout page loads this in
// a hidden iframe after the user signed out of any app), and "Sign out of every device".

// The tenant's parameters: checked below (an unknown or malformed sid answers the same page).
const frontChannelQuery = { type: 'object', properties: { sid: { type: 'string' }, iss: { type: 'string' } } } as const

const signedOutPage = '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Signed out</title></head><body><p>Signed out.</p></body></html>'

export function sessionLifecycleRoutes(app: FastifyInstance, context: EntraBffContext) {
  const { identity, metadata, ending, paths, options } = context
  const limited = { config: { rateLimit: { max: options.authRateLimitPerMinute, timeWindow: '1 minute' } } }

  // Entra sends `sid` only (not `iss`, unlike OpenID Connect Front-Channel Logout 1.0); an `iss`
  // that is present must be our tenant's. The iframe is cross-site, so no session cookie comes
  // with it: the sid index finds the sessions, on every replica. Unknown sids answer the same.
  // GET only: Fastify would answer HEAD from this route and end the sessions too, yet a HEAD (a
  // link checker, a prefetching proxy) must change nothing. It gets 405 and ends nothing.
  app.get<{ Querystring: XStatic<typeof frontChannelQuery> }>(paths.frontChannelLogout, { ...limited, exposeHeadRoute: false, schema: { querystring: frontChannelQuery } }, async (request, reply) => {
    const { sid, iss } = request.query
    const tenant = await metadata.get().catch((error: unknown) => { throw fromTenantDiscovery(error) })
    const frameAncestors = [...new Set([tenant.end_session_endpoint, tenant.authorization_endpoint].map((url) => new URL(url).origin))]
    // Framable by the tenant's logout page only (helmet's X-Frame-Options would forbid it). The
    // app's security headers may set it on the reply (headers captured at boot) or on the raw response
    // (helmet per request, while the tenant is not yet known): remove both.
    reply.removeHeader('x-frame-options').raw.removeHeader('x-frame-options')
    reply.header('content-security-policy', `default-src 'none'; frame-ancestors ${frameAncestors.join(' ')}`).header('cache-control', 'no-store').type('text/html; charset=utf-8')
    if (typeof sid !== 'string' || sid.length === 0 || sid.length > 256 || (iss !== undefined && iss !== tenant.issuer)) {
      return reply.code(400).send('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Not signed out</title></head><body><p>This sign-out request is not valid.</p></body></html>')
    }
    const ended = await ending.endAll('sid', sid)
    request.log.info({ ended }, 'front-channel logout')
    return reply.send(signedOutPage)
  })

  app.head(paths.frontChannelLogout, limited, async (_request, reply) => reply.code(405).header('allow', 'GET').header('cache-control', 'no-store').send())

  // Every session of this user, on every device and replica, then the tenant's own sign-out.
  app.post(paths.signOutEverywhere, { ...limited, ...csrfProtectedForm(app) }, async (request, reply) => {
    const { user, tokenCacheKey } = request.session
    if (user?.oid) {
      const ended = await ending.endAll('oid', user.oid)
      request.log.info({ ended }, 'signed out of every device')
    }
    if (tokenCacheKey) await identity.forget(tokenCacheKey)
    await request.session.destroy()
    return reply.redirect(await identity.endSessionUrl(user?.account.username), 303)
  })
}
