import type { Test } from 'tap'
import type { LocalTenant, TenantFile } from 'entra-local-tenant'
import { localTenantAsRole } from '../../src/config/local-profile.ts'
import { startTestTenant as startPackageTestTenant, type TestTenantOptions } from '../../packages/entra-local-tenant/test/helpers/tenant.ts'

export type { TestTenantOptions }

/**
 * The real local tenant on free loopback ports, fresh data dir, test API on (the package's own
 * test helper), running as the app runs it: the app's logger, request ids and telemetry.
 */
export async function startTestTenant(t: Test, options: TestTenantOptions = {}): Promise<LocalTenant> {
  return startPackageTestTenant(t, { ...localTenantAsRole(options.logLevel ?? 'silent'), ...options })
}

/**
 * Access tokens that live 200 s: msal renews them 300 s early, so every request that needs one
 * redeems the session's refresh token.
 */
export function renewTokensAtEveryRequest(file: TenantFile) {
  file.settings.accessTokenLifetimeSeconds = file.settings.caeAccessTokenLifetimeSeconds = 200
}

/**
 * The same, with strict reuse detection: a refresh token sent twice revokes its grant and the user
 * is signed out (Entra keeps an old one valid; the strict mode makes any reuse visible).
 */
export function renewTokensAtEveryRequestStrictly(file: TenantFile) {
  renewTokensAtEveryRequest(file)
  file.settings.strictRefreshTokenReuseDetection = true
}
