import { randomBytes } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import type { Test } from 'tap'
import { buildBff, type EntraBffStores } from '../../src/bff/app.ts'
import type { BffConfig, BffSessionConfig } from '../../src/config/types.ts'
import type { LocalTenant } from 'entra-local-tenant'
import { startTestTenant, type TestTenantOptions } from './local-tenant.ts'
import { freePort } from '../../harness/ports.ts'
import { startTestProfileService } from './profile-service.ts'

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
    viewCache: true, logLevel: process.env.TEST_LOG === '1' ? 'error' : process.env.TEST_LOG === 'warn' ? 'warn' : 'silent', authRateLimitPerMinute: 10_000,
    ...overrides,
  }
}

/** A BFF on a fresh port (or `config.port`), its redirect URIs registered with the tenant; `session` overrides single session settings. */
export async function startTestBff(
  t: Test, tenant: LocalTenant, serviceUrl: string,
  options: { config?: Partial<BffConfig>; session?: Partial<BffSessionConfig>; stores?: EntraBffStores } = {},
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

export { BffBrowser, type BffResponse } from '../../harness/bff-browser.ts'

export type { FastifyInstance }
