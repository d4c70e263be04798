import csrf from '@fastify/csrf-protection'
import helmet from 'helmet'
import rateLimit, { type FastifyRateLimitStoreCtor } from '@fastify/rate-limit'
import type { FastifyInstance } from 'fastify'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { TenantMetadata, TenantMetadataLoader } from '../../lib/tenant-metadata.ts'

// Headers (CSP with no inline script), CSRF tokens for every state-changing request, and rate
// limits for /auth/* (routes opt in with `config.rateLimit`).
// helmet itself, not @fastify/helmet: the plugin builds helmet's middleware again on every
// request (parsing the CSP each time, ~4 % of the BFF's CPU per page in the benchmark profile);
// built once here, it sets the same headers (in onRequest). With the tenant known at boot the
// headers are the same on every response: captured once from helmet and set as reply headers,
// which also spares Node's slower path for headers set on the raw response before writeHead.

function tenantOrigins(metadata: TenantMetadata): string[] {
  return [...new Set([metadata.authorization_endpoint, metadata.end_session_endpoint].map((url) => new URL(url).origin))]
}

/** The headers a helmet middleware sets (it removes only X-Powered-By, which Fastify never sets). */
function headersOf(middleware: (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void): [string, string][] {
  const headers: [string, string][] = []
  const response = { setHeader: (name: string, value: string) => headers.push([name.toLowerCase(), String(value)]), removeHeader() {} }
  let failed: unknown
  middleware({} as IncomingMessage, response as unknown as ServerResponse, (error) => (failed = error))
  if (failed) throw failed
  return headers
}

/**
 * helmet as the BFF configures it. Sign-out posts to us, then redirects to the tenant's
 * end-session endpoint: form-action must allow the tenant (`tenant`: its origins, or a function
 * giving them once known).
 */
function securityMiddleware(tenant: (string | (() => string))[]) {
  return helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        formAction: ["'self'", ...tenant],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: null,
      },
    },
    // A strict opener policy would cut the window off from the tenant's pages during sign-in.
    crossOriginOpenerPolicy: { policy: 'same-origin-allow-popups' },
  })
}

/** The headers the BFF sets on every response when the tenant's metadata loads at boot (also the benchmark's floors'). */
export function securityHeadersFor(metadata: TenantMetadata): [string, string][] {
  return headersOf(securityMiddleware(tenantOrigins(metadata)))
}

export async function registerSecurity(app: FastifyInstance, metadata: TenantMetadataLoader, rateLimitStore?: FastifyRateLimitStoreCtor) {
  // Sign-out posts to us, then redirects to the tenant's end-session endpoint: form-action must
  // allow the tenant. A fixed value when the tenant answered at boot; otherwise one computed per
  // request, filled in once the metadata loads.
  const atBoot = await metadata.get().then(tenantOrigins, () => undefined)
  let later = ''
  if (!atBoot) metadata.get().then((loaded) => (later = tenantOrigins(loaded).join(' ')), () => {})
  const securityHeaders = securityMiddleware(atBoot ?? [() => later])
  if (atBoot) {
    const headers = headersOf(securityHeaders)
    app.addHook('onRequest', (_request, reply, done) => {
      for (const [name, value] of headers) reply.header(name, value)
      done()
    })
  } else {
    app.addHook('onRequest', (request, reply, done) => securityHeaders(request.raw, reply.raw, (error?: unknown) => done(error as Error | undefined)))
  }
  await app.register(csrf, { sessionPlugin: '@fastify/session' })
  // Keyed on request.ip: the client's address behind a proxy TRUST_PROXY names.
  await app.register(rateLimit, { global: false, ...(rateLimitStore ? { store: rateLimitStore } : {}) })
}
