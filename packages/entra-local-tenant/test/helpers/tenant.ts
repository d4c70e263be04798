import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Test } from 'tap'
import { readTenantFile, startLocalTenant, type LocalTenant, type LocalTenantConfig, type TenantFile } from '../../src/index.ts'

export interface TestTenantOptions extends Partial<LocalTenantConfig> {
  /** Changes to the shipped tenant file (e.g. an extra policy), applied to a copy. */
  editTenant?: (tenant: TenantFile) => void
}

/** The real local tenant on free loopback ports, with a fresh data dir and the test API on. */
export async function startTestTenant(t: Test, options: TestTenantOptions = {}): Promise<LocalTenant> {
  const dataDir = await mkdtemp(join(tmpdir(), 'local-tenant-'))
  const { editTenant, ...overrides } = options
  const tenantFile = await readTenantFile()
  // Many sign-ins by one user in one test file: the per-minute and per-hour limits have their own tests.
  tenantFile.settings.signInRequestsPerMinute = 10_000
  tenantFile.settings.oneTimeCodesPerHour = 10_000
  // The shipped front-channel logout URL names port 3000; a test registers its own when it is about front-channel logout.
  for (const app of Object.values(tenantFile.apps)) delete app.frontChannelLogoutUrl
  editTenant?.(tenantFile)
  const tenantPath = join(dataDir, 'tenant.json')
  await writeFile(tenantPath, JSON.stringify(tenantFile))
  const tenant = await startLocalTenant({
    dataDir, tenantFile: tenantPath, hostname: 'localhost', bindAddress: '127.0.0.1', httpPort: 0, httpsPort: 0,
    testApi: true, logLevel: 'silent', ...overrides,
  })
  t.teardown(async () => {
    await tenant.close()
    await rm(dataDir, { recursive: true, force: true })
  })
  return tenant
}
