import csrf from '@fastify/csrf-protection'
import helmet from '@fastify/helmet'
import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance } from 'fastify'
import type { TenantMetadataLoader } from '../../lib/tenant-metadata.ts'

// Headers (CSP with no inline script), CSRF tokens for every state-changing request, and rate
// limits for /auth/* (routes opt in with `config.rateLimit`).

function tenantOrigins(endpoints: string[]): string[] {
  return [...new Set(endpoints.map((url) => new URL(url).origin))]
}

export async function registerSecurity(app: FastifyInstance, metadata: TenantMetadataLoader) {
  // Sign-out posts to us, then redirects to the tenant's end-session endpoint: form-action must
  // allow the tenant. A fixed header when the tenant answered at boot (helmet then builds it
  // once); otherwise a per-request value that fills in once the metadata loads.
  const atBoot = await metadata.get().then((loaded) => tenantOrigins([loaded.authorization_endpoint, loaded.end_session_endpoint]), () => undefined)
  let later = ''
  if (!atBoot) metadata.get().then((loaded) => (later = tenantOrigins([loaded.authorization_endpoint, loaded.end_session_endpoint]).join(' ')), () => {})
  await app.register(helmet, {
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
    // Cross-origin isolation headers would break the tenant round trips; HSTS is for https only.
    crossOriginOpenerPolicy: { policy: 'same-origin-allow-popups' },
  })
  await app.register(csrf, { sessionPlugin: '@fastify/session' })
  await app.register(rateLimit, { global: false })
}
