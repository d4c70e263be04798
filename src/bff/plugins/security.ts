import csrf from '@fastify/csrf-protection'
import helmet from '@fastify/helmet'
import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance } from 'fastify'
import type { TenantMetadataLoader } from '../../lib/tenant-metadata.ts'

// Headers (CSP with no inline script), CSRF tokens for every state-changing request, and rate
// limits for /auth/* (routes opt in with `config.rateLimit`).

export async function registerSecurity(app: FastifyInstance, metadata: TenantMetadataLoader) {
  let tenantOrigins = ''
  metadata.get().then(
    (loaded) => (tenantOrigins = [...new Set([loaded.authorization_endpoint, loaded.end_session_endpoint].map((url) => new URL(url).origin))].join(' ')),
    () => {},
  )
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        // Sign-out posts here, then redirects to the tenant's end-session endpoint.
        formAction: ["'self'", () => tenantOrigins],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: null,
      },
    },
    // Cross-origin isolation headers would break the tenant round trips; HSTS is for https only.
    crossOriginOpenerPolicy: { policy: 'same-origin-allow-popups' },
  })
  await app.register(csrf, { sessionPlugin: '@fastify/session' })
  await app.register(rateLimit, { global: false })
}
