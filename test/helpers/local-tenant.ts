import type { Test } from 'tap'
import type { LocalTenant } from 'entra-local-tenant'
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
