import { randomUUID } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { localProfileServiceConfig, writeLocalTenantConnection } from '../../src/config/local-profile.ts'
import { readEnv } from '../../src/config/read-env.ts'
import type { LogLevel } from '../../src/config/types.ts'
import { startTelemetry } from '../../src/lib/telemetry/telemetry.ts'
import { readTenantFile, startLocalTenant } from 'entra-local-tenant'
import { buildProfileService } from '../../src/profile-service/app.ts'
import { BffBrowser } from '../../harness/bff-browser.ts'
import { msalClientFor, signInWithCode } from '../../harness/msal-client.ts'
import { serveParent } from '../child-role.ts'

// Child process: the local tenant (test API on, a pool of bench users) and the edit profile
// service. It also drives the sign-ins, because reading the emailed MFA code needs the tenant.

const userCount = Number(process.env.BENCH_USERS)
const logLevel = (process.env.BENCH_LOG_LEVEL ?? 'warn') as LogLevel
const password = 'Bench-Passw0rd!'

// Off unless the parent passes OTEL_* variables (`--tracing`).
const telemetry = await startTelemetry(process.env, ['local-tenant', 'profile-service'])
const dataDir = await mkdtemp(join(tmpdir(), 'bench-tenant-'))
const tenantFile = await readTenantFile()
tenantFile.settings.signInRequestsPerMinute = 1_000_000
tenantFile.settings.oneTimeCodesPerHour = 1_000_000
tenantFile.users = Array.from({ length: userCount }, (_, index) => ({
  id: randomUUID(), email: `bench-user-${index}@contoso.test`, password,
  displayName: `Bench User ${index}`, givenName: 'Bench', surname: `User ${index}`,
}))
const tenantPath = join(dataDir, 'tenant.json')
await writeFile(tenantPath, JSON.stringify(tenantFile))
const tenant = await startLocalTenant({
  dataDir, tenantFile: tenantPath, hostname: 'localhost', bindAddress: '127.0.0.1', httpPort: 0, httpsPort: 0, testApi: true, logLevel,
})
// Lets `node src/main.js bff` (the start-up measurement, bench/start-up.ts) find this tenant, as in development.
writeLocalTenantConnection(dataDir, tenant)

// The service exactly as the `local` profile configures it, on a free port.
const service = await buildProfileService(localProfileServiceConfig(readEnv({ LOG_LEVEL: logLevel, PROFILE_SERVICE_PORT: '0' }), tenant))
await service.listen({ host: '127.0.0.1', port: 0 })
const serviceAddress = service.server.address()
const serviceUrl = `http://127.0.0.1:${typeof serviceAddress === 'object' && serviceAddress ? serviceAddress.port : 0}`

export interface SignedInSession { email: string; cookie: string; csrfToken: string }

/** Sign-in, then the MFA step-up through the editor's 401, exactly as a user does it. */
async function signInWithStepUp(bffUrl: string, index: number): Promise<SignedInSession> {
  const email = `bench-user-${index}@contoso.test`
  const user = { email, password, displayName: `Bench User ${index}` }
  const browser = new BffBrowser(bffUrl, tenant)
  const signedIn = await browser.signIn(user)
  if (signedIn.status !== 302) throw new Error(`${email}: sign-in answered ${signedIn.status}`)
  const challenge = await browser.get('/profile/editor', { htmx: true })
  if (challenge.status !== 401) throw new Error(`${email}: editor before MFA answered ${challenge.status}, not 401`)
  const steppedUp = await browser.authorize('/auth/step-up', user)
  if (steppedUp.status !== 302) throw new Error(`${email}: step-up answered ${steppedUp.status}`)
  const page = await browser.get('/profile')
  if (page.status !== 200 || !browser.lastCsrf) throw new Error(`${email}: profile after step-up answered ${page.status}`)
  const editor = await browser.get('/profile/editor', { htmx: true })
  if (editor.status !== 200) throw new Error(`${email}: editor after MFA answered ${editor.status}`)
  const cookie = [...browser.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
  return { email, cookie, csrfToken: browser.lastCsrf }
}

serveParent(
  { serviceUrl, dataDir, tenantHttpOrigin: tenant.httpOrigin, graphBaseUrl: tenant.graphBaseUrl, bffClientId: tenant.apps.bff.clientId },
  {
    async registerBff(payload: { redirectUri: string; postLogoutRedirectUri: string }) {
      tenant.testing.registerRedirectUris(tenant.apps.bff.clientId, { redirectUris: [payload.redirectUri], postLogoutRedirectUris: [payload.postLogoutRedirectUri] })
    },
    async signInUsers(payload: { bffUrl: string; concurrency: number }) {
      const sessions: SignedInSession[] = new Array(userCount)
      let next = 0
      const worker = async () => {
        while (next < userCount) {
          const index = next++
          sessions[index] = await signInWithStepUp(payload.bffUrl, index)
        }
      }
      await Promise.all(Array.from({ length: Math.min(payload.concurrency, userCount) }, worker))
      return sessions
    },
    /** A Graph User.Read token of the first bench user, for the `direct` baseline. */
    async graphToken() {
      const client = msalClientFor(tenant, { clientId: tenant.apps.bff.clientId, clientSecret: tenant.apps.bff.clientSecret })
      const { result } = await signInWithCode(tenant, client, { email: 'bench-user-0@contoso.test', password }, { scopes: ['User.Read'] })
      return result.accessToken
    },
  },
  async () => {
    await service.close()
    await tenant.close()
    await telemetry.shutdown()
    await rm(dataDir, { recursive: true, force: true })
  },
)
