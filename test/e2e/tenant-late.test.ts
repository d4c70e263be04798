import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { request } from 'undici'
import { freePort } from '../../harness/ports.ts'
import { readTenantFile, startLocalTenant, type LocalTenant } from 'entra-local-tenant'
import { startTestBff } from '../helpers/bff.ts'
import { launchBrowser } from '../helpers/browser.ts'
import { signInOnTenantPages } from '../helpers/browser-journey.ts'

// A BFF replica that started while the tenant was down: once the tenant answers, its pages allow
// the tenant in the CSP form-action, so sign-out reaches the tenant's logout and ends the
// tenant's session too (Chromium enforces form-action on the redirect after the post).

const formActionOf = (csp: unknown) => (/form-action ([^;]*)/.exec(String(csp))?.[1] ?? '').trim()

/** The local tenant on fixed ports and a data dir that outlive one run of it: it can stop and come back as the same tenant. */
async function restartableTenant(t: Test) {
  const dataDir = await mkdtemp(join(tmpdir(), 'local-tenant-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  const tenantFile = await readTenantFile()
  for (const app of Object.values(tenantFile.apps)) delete app.frontChannelLogoutUrl
  const tenantPath = join(dataDir, 'tenant.json')
  await writeFile(tenantPath, JSON.stringify(tenantFile))
  const config = {
    dataDir, tenantFile: tenantPath, hostname: 'localhost', bindAddress: '127.0.0.1', httpPort: await freePort(), httpsPort: await freePort(),
    testApi: true, logLevel: 'silent' as const,
  }
  let running: LocalTenant | undefined
  t.teardown(() => running?.close())
  return {
    async start() {
      running = await startLocalTenant(config)
      return running
    },
    async stop() {
      await running?.close()
      running = undefined
    },
  }
}

t.test('a BFF started while the tenant was down signs out at the tenant once it answers', async (t) => {
  const browser = await launchBrowser(t)
  if (!browser) return
  const tenantRole = await restartableTenant(t)
  // Its first run makes the keys, certificates and secrets the BFF is configured with.
  const tenantBefore = await tenantRole.start()
  await tenantRole.stop()

  const bff = await startTestBff(t, tenantBefore, 'http://127.0.0.1:9')
  const whileDown = await request(`${bff.url}/`)
  await whileDown.body.dump()
  t.equal(formActionOf(whileDown.headers['content-security-policy']), "'self'", 'while the tenant is down, no tenant in form-action')

  const tenant = await tenantRole.start()
  tenant.testing.registerRedirectUris(tenant.apps.bff.clientId, { redirectUris: [bff.config.redirectUri], postLogoutRedirectUris: [bff.config.postLogoutRedirectUri] })
  const context = await browser.newContext()
  t.teardown(() => context.close())
  const page = await context.newPage()
  page.setDefaultTimeout(30_000)
  await page.goto(bff.url)
  await page.getByRole('link', { name: 'Sign In' }).click()
  await signInOnTenantPages(page, tenant.demoUser)
  await page.getByRole('heading', { name: 'Hi Demo User' }).waitFor()
  const signedIn = await page.reload()
  t.match(formActionOf(signedIn?.headers()['content-security-policy']), tenant.browserOrigin, 'form-action names the tenant now')

  await page.getByRole('button', { name: 'Sign out' }).first().click()
  await page.getByRole('link', { name: 'Sign In' }).waitFor()
  t.equal(new URL(page.url()).origin, bff.url, 'the tenant\'s logout sent the user back to the app')

  // The tenant's session ended: signing in again asks for credentials instead of single sign-on.
  await page.getByRole('link', { name: 'Sign In' }).click()
  await page.getByLabel('Email address').waitFor()
  t.pass('the tenant asks for the email address again')
})
