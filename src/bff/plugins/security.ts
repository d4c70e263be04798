import csrf from '@fastify/csrf-protection'
import helmet from 'helmet'
import rateLimit, { type FastifyRateLimitStoreCtor } from '@fastify/rate-limit'
import type { FastifyInstance } from 'fastify'
import type { TenantMetadataLoader } from '../../lib/tenant-metadata.ts'

// Headers (CSP with no inline script), CSRF tokens for every state-changing request, and rate
// limits for /auth/* (routes opt in with `config.rateLimit`).
// helmet itself, not @fastify/helmet: the plugin builds helmet's middleware again on every
// request (parsing the CSP each time, ~4 % of the BFF's CPU per page in the benchmark profile);
// built once here, it sets the same headers the same way (on the raw response, in onRequest).

function tenantOrigins(endpoints: string[]): string[] {
  return [...new Set(endpoints.map((url) => new URL(url).origin))]
}

export async function registerSecurity(app: FastifyInstance, metadata: TenantMetadataLoader, rateLimitStore?: FastifyRateLimitStoreCtor) {
  // Sign-out posts to us, then redirects to the tenant's end-session endpoint: form-action must
  // allow the tenant. A fixed value when the tenant answered at boot; otherwise one computed per
  // request, filled in once the metadata loads.
  const atBoot = await metadata.get().then((loaded) => tenantOrigins([loaded.authorization_endpoint, loaded.end_session_endpoint]), () => undefined)
  let later = ''
  if (!atBoot) metadata.get().then((loaded) => (later = tenantOrigins([loaded.authorization_endpoint, loaded.end_session_endpoint]).join(' ')), () => {})
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        // Sign-out posts here, then redirects to the tenant's end-session endpoint.
        formAction: ["'self'", ...(atBoot ?? [() => later])],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: null,
      },
    },
    // A strict opener policy would cut the window off from the tenant's pages during sign-in.
    crossOriginOpenerPolicy: { policy: 'same-origin-allow-popups' },
  })
  app.addHook('onRequest', (request, reply, done) => securityHeaders(request.raw, reply.raw, (error?: unknown) => done(error as Error | undefined)))
  await app.register(csrf, { sessionPlugin: '@fastify/session' })
  // Keyed on request.ip: the client's address behind a proxy TRUST_PROXY names.
  await app.register(rateLimit, { global: false, ...(rateLimitStore ? { store: rateLimitStore } : {}) })
}
