import { spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import type { Test } from 'tap'
import { renewTokensAtEveryRequestStrictly } from './local-tenant.ts'
import { readTenantFile, type LocalTenant, type TenantFile } from 'entra-local-tenant'

// The local tenant in a process of its own, so a test can freeze it (SIGSTOP) the way a stalled
// identity provider looks from the BFF: connections accepted, no answer. Only what the BFF and a
// password sign-in need crosses over (no in-process test API: no MFA codes).

export type TenantInProcess = Pick<LocalTenant, 'authority' | 'knownAuthority' | 'caCertificatePem' | 'graphBaseUrl' | 'httpOrigin' | 'apps' | 'demoUser'> & {
  testing: Pick<LocalTenant['testing'], 'lastCode' | 'registerRedirectUris'>
  freeze(): void
  thaw(): void
}

export async function startTenantProcess(t: Test, options: { redirectUris: string[]; postLogoutRedirectUris: string[]; editTenant?: (tenant: TenantFile) => void }): Promise<TenantInProcess> {
  const dataDir = await mkdtemp(join(tmpdir(), 'tenant-process-'))
  const tenantFile = await readTenantFile()
  tenantFile.settings.signInRequestsPerMinute = 10_000
  options.editTenant?.(tenantFile)
  await writeFile(join(dataDir, 'tenant.json'), JSON.stringify(tenantFile))
  const child = spawn(process.execPath, ['--input-type=module', '-e', `
    const { startLocalTenant } = await import('entra-local-tenant')
    const options = JSON.parse(process.env.TENANT_OPTIONS)
    const tenant = await startLocalTenant({ dataDir: options.dataDir, tenantFile: options.tenantFile, hostname: 'localhost', bindAddress: '127.0.0.1', httpPort: 0, httpsPort: 0, testApi: true, logLevel: 'silent' })
    tenant.testing.registerRedirectUris(tenant.apps.bff.clientId, { redirectUris: options.redirectUris, postLogoutRedirectUris: options.postLogoutRedirectUris })
    const { authority, knownAuthority, caCertificatePem, graphBaseUrl, httpOrigin, apps, demoUser } = tenant
    process.stdout.write(JSON.stringify({ authority, knownAuthority, caCertificatePem, graphBaseUrl, httpOrigin, apps, demoUser }) + '\\n')
    process.on('SIGTERM', () => tenant.close().then(() => process.exit(0)))
  `], {
    env: { ...process.env, TENANT_OPTIONS: JSON.stringify({ dataDir, tenantFile: join(dataDir, 'tenant.json'), redirectUris: options.redirectUris, postLogoutRedirectUris: options.postLogoutRedirectUris }) },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  t.teardown(async () => {
    child.kill('SIGCONT')
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    await exited
    await rm(dataDir, { recursive: true, force: true })
  })
  const line = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the tenant process exited (${code})`)))
    createInterface({ input: child.stdout! }).once('line', resolve)
  })
  return {
    ...JSON.parse(line),
    testing: { lastCode: () => undefined, registerRedirectUris: () => {} },
    freeze: () => child.kill('SIGSTOP'),
    thaw: () => child.kill('SIGCONT'),
  }
}

/**
 * A tenant process for a BFF at `origin` that renews tokens at every request, with strict refresh
 * token reuse detection (local-tenant.ts).
 */
export function startRefreshingTenant(t: Test, origin: string) {
  return startTenantProcess(t, {
    redirectUris: [`${origin}/auth/redirect`], postLogoutRedirectUris: [`${origin}/`],
    editTenant: renewTokensAtEveryRequestStrictly,
  })
}
