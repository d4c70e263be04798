import { randomBytes } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import type { Test } from 'tap'
import { request } from 'undici'
import { buildBff, type BffStores } from '../../src/bff/app.ts'
import type { BffConfig, BffSessionConfig } from '../../src/config/types.ts'
import type { LocalTenant } from '../../src/local-tenant/local-tenant.ts'
import { startTestTenant, type TestTenantOptions } from './local-tenant.ts'
import { freePort } from './ports.ts'
import { startTestProfileService } from './profile-service.ts'
import { cookieHeader, keepCookies } from './cookie-jar.ts'
import { csrfTokenOf } from './html.ts'
import { followAuthorize, type TenantCookieJar } from './tenant-pages.ts'

/** The home page's Sign In button (signed out), whose href carries the returnTo. */
export const signInButton = 'main a[href^="/auth/sign-in"]'

/** The profile card's value of one field, as the user reads it (`dir="auto"`: its own direction). */
export const cardField = (name: string) => `dd[data-field="${name}"]`

export function bffConfig(tenant: LocalTenant, port: number, serviceUrl: string, overrides: Partial<BffConfig> = {}): BffConfig {
  // An https public origin (behind a TLS proxy) gets the Secure __Host- cookie, as in config.
  const origin = overrides.publicOrigin ?? `http://localhost:${port}`
  return {
    host: '127.0.0.1', port, publicOrigin: origin,
    tenant: { authority: tenant.authority, knownAuthority: tenant.knownAuthority, extraCaPem: [tenant.caCertificatePem] },
    clientId: tenant.apps.bff.clientId,
    credential: { kind: 'secret', clientSecret: tenant.apps.bff.clientSecret },
    redirectUri: `${origin}/auth/redirect`, postLogoutRedirectUri: `${origin}/`,
    graphBaseUrl: tenant.graphBaseUrl,
    profileService: { baseUrl: serviceUrl, scope: tenant.apps.profileService.scope },
    session: { secrets: [randomBytes(32).toString('base64')], secureCookie: origin.startsWith('https:'), idleTimeoutMs: 30 * 60_000, absoluteTimeoutMs: 12 * 3600_000, tokenCacheKeys: [randomBytes(32).toString('base64')] },
    viewCache: true, logLevel: process.env.TEST_LOG === '1' ? 'error' : 'silent', authRateLimitPerMinute: 10_000,
    ...overrides,
  }
}

/** A BFF on a fresh port (or `config.port`), its redirect URIs registered with the tenant; `session` overrides single session settings. */
export async function startTestBff(
  t: Test, tenant: LocalTenant, serviceUrl: string,
  options: { config?: Partial<BffConfig>; session?: Partial<BffSessionConfig>; stores?: BffStores } = {},
) {
  const port = await freePort()
  const config = bffConfig(tenant, port, serviceUrl, options.config)
  config.session = { ...config.session, ...options.session }
  tenant.testing.registerRedirectUris(tenant.apps.bff.clientId, { redirectUris: [config.redirectUri], postLogoutRedirectUris: [config.postLogoutRedirectUri] })
  const app = await buildBff(config, options.stores)
  t.teardown(() => app.close())
  await app.listen({ host: '127.0.0.1', port: config.port })
  return { app, url: config.publicOrigin, config }
}

/** Tenant + edit profile service + BFF, all real, on loopback. */
export async function startTestStack(t: Test, options: { tenant?: TestTenantOptions; config?: Partial<BffConfig>; serviceAuthContext?: string } = {}) {
  const tenant = await startTestTenant(t, options.tenant)
  const service = await startTestProfileService(t, tenant, options.serviceAuthContext ? { requiredAuthContext: options.serviceAuthContext } : {})
  const bff = await startTestBff(t, tenant, service.url, { config: options.config })
  return { tenant, service, bff: bff.app, url: bff.url }
}

export interface BffResponse { status: number; headers: Record<string, string | string[] | undefined>; body: string; location?: string }

/** A cookie-keeping HTTP client for the BFF, as a browser without JavaScript (or htmx) would use it. */
export class BffBrowser {
  base: string
  tenant: LocalTenant
  cookies = new Map<string, string>()
  tenantJar: TenantCookieJar = new Map()
  lastCsrf?: string
  /** Every authorization code the tenant handed back, so a test can look for them in logs and spans. */
  authorizationCodes: string[] = []

  constructor(base: string, tenant: LocalTenant) {
    this.base = base
    this.tenant = tenant
  }

  async send(method: string, path: string, options: { form?: Record<string, string>; htmx?: boolean; csrf?: string | false; headers?: Record<string, string> } = {}): Promise<BffResponse> {
    const url = path.startsWith('http') ? path : `${this.base}${path}`
    const csrf = options.csrf === false ? undefined : options.csrf ?? this.lastCsrf
    const response = await request(url, {
      method: method as 'GET',
      headers: {
        cookie: cookieHeader(this.cookies),
        ...(options.htmx ? { 'hx-request': 'true', 'hx-request-type': 'partial' } : {}),
        ...(options.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        ...(csrf && method !== 'GET' ? { 'x-csrf-token': csrf } : {}),
        ...options.headers,
      },
      body: options.form ? new URLSearchParams(options.form).toString() : undefined,
    })
    keepCookies(this.cookies, response.headers['set-cookie'])
    const body = await response.body.text()
    const token = csrfTokenOf(body)
    if (token) this.lastCsrf = token
    const location = response.headers.location
    return { status: response.statusCode, headers: response.headers, body, location: typeof location === 'string' ? location : undefined }
  }

  get(path: string, options: { htmx?: boolean } = {}) {
    return this.send('GET', path, options)
  }

  /** Follows a BFF redirect to the tenant, signs in on its pages, and comes back through /auth/redirect. */
  async authorize(startPath: string, user = this.tenant.demoUser): Promise<BffResponse> {
    const start = await this.get(startPath)
    if (start.status !== 302 || !start.location) throw new Error(`${startPath} answered ${start.status}, not a redirect to the tenant`)
    const { redirectUrl } = await followAuthorize(this.tenant, start.location, user, this.tenantJar)
    const code = new URL(redirectUrl).searchParams.get('code')
    if (code) this.authorizationCodes.push(code)
    return this.get(redirectUrl)
  }

  signIn(user = this.tenant.demoUser) {
    return this.authorize('/auth/sign-in?returnTo=%2Fprofile', user)
  }
}

export type { FastifyInstance }
