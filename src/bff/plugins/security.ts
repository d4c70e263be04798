import helmet from 'helmet'
import rateLimit, { type FastifyRateLimitStoreCtor } from '@fastify/rate-limit'
import type { FastifyInstance, onRequestAsyncHookHandler } from 'fastify'
import { setTimeout as sleep } from 'node:timers/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { TenantMetadata, TenantMetadataLoader } from 'fastify-entra-bff'

// Headers (CSP with no inline script) on every response, from the root context. Rate limits
// (routes opt in with `config.rateLimit`, fastify-entra-bff's routes do) are added to the context
// of the page routes only, before the plugin adds its routes (registerRequestGuards).
// helmet itself, not @fastify/helmet: the plugin builds helmet's middleware again on every
// request (parsing the CSP each time, ~4 % of the BFF's CPU per page in the benchmark profile).
// Here the headers are captured from helmet once per tenant metadata document and set as reply
// headers, which also spares Node's slower path for headers set on the raw response.

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
 * end-session endpoint: form-action must allow the tenant's origins (none while unknown).
 */
function securityMiddleware(tenant: string[]) {
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

/** The headers the BFF sets on every response once the tenant's metadata is loaded (also the benchmark's floors'). */
export function securityHeadersFor(metadata: TenantMetadata): [string, string][] {
  return headersOf(securityMiddleware(tenantOrigins(metadata)))
}

/** How long the first page waits for the tenant's metadata before it answers without the tenant in form-action. */
const firstLoadWaitMs = 3_000

/**
 * Security headers for every response. They follow the tenant metadata the loader holds now:
 * while the tenant has not answered (a replica started during a tenant outage), each response
 * asks the loader to try again (one load at a time) and gets the headers without the tenant;
 * the first response after the tenant answers has the tenant in form-action, so sign-out can
 * leave for the tenant's end-session endpoint. Returns the hook of the pages' context that
 * makes the first page wait for the tenant's first answer.
 */
export function registerSecurityHeaders(app: FastifyInstance, metadata: TenantMetadataLoader): onRequestAsyncHookHandler {
  const withoutTenant = headersOf(securityMiddleware([]))
  let firstLoad: Promise<unknown> | undefined
  let headersOfTenant: { metadata: TenantMetadata; headers: [string, string][] } | undefined
  let triedAt = 0
  const currentHeaders = () => {
    const loaded = metadata.current()
    if (!loaded) {
      // At most one new try a second: a page's css and script requests need not each try. None
      // before the first page asked: probes alone do not load the tenant (nor the HTTP client).
      if (firstLoad && Date.now() - triedAt >= 1_000) {
        triedAt = Date.now()
        metadata.get().catch(() => undefined)
      }
      return withoutTenant
    }
    if (headersOfTenant?.metadata !== loaded) headersOfTenant = { metadata: loaded, headers: securityHeadersFor(loaded) }
    return headersOfTenant.headers
  }
  app.addHook('onRequest', (_request, reply, done) => {
    for (const [name, value] of currentHeaders()) reply.header(name, value)
    done()
  })
  // The boot does not wait for the tenant (nor load the HTTP client for it): the first page does,
  // for at most firstLoadWaitMs, so that its form-action already names the tenant. Probes and
  // static files never wait.
  return async function tenantBeforeFirstPage(_request, reply) {
    if (metadata.current()) return
    if (!firstLoad) {
      triedAt = Date.now()
      firstLoad = Promise.race([metadata.get(), sleep(firstLoadWaitMs, undefined, { ref: false })]).catch(() => undefined)
    }
    await firstLoad
    // Loaded while this page waited: its headers name the tenant now (the root hook set them without).
    if (metadata.current()) for (const [name, value] of currentHeaders()) reply.header(name, value)
  }
}

/** Per-route rate limits, for the context of the pages: registered before the routes that opt in. */
export async function registerRequestGuards(app: FastifyInstance, rateLimitStore?: FastifyRateLimitStoreCtor) {
  // Keyed on request.ip: the client's address behind a proxy TRUST_PROXY names.
  await app.register(rateLimit, { global: false, ...(rateLimitStore ? { store: rateLimitStore } : {}) })
}
