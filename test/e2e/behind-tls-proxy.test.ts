import { randomBytes } from 'node:crypto'
import t from 'tap'
import { startTestBff } from '../helpers/bff.ts'
import { launchBrowser } from '../helpers/browser.ts'
import { openEditorThroughStepUp, signInOnTenantPages } from '../helpers/browser-journey.ts'
import { startTestTenant } from '../helpers/local-tenant.ts'
import { startTlsProxy } from '../helpers/nginx.ts'
import { freePort } from '../../harness/ports.ts'
import { startTestProfileService } from '../helpers/profile-service.ts'
import { connectTestRedis, testRedisUrl } from '../helpers/redis.ts'

// The production shape without containers: nginx terminates TLS on https://localhost:<port> and
// balances round robin over two BFF replicas that share Redis and trust it (TRUST_PROXY), with
// the edit profile service and the local tenant behind them. Chromium trusts the proxy's
// throwaway certificate through its own NSS database and walks the whole journey.

t.test('the whole journey works in Chromium through a TLS-terminating nginx and two BFF replicas', async (t) => {
  const redis = await connectTestRedis(t)
  if (!redis) return
  const proxyPort = await freePort()
  const origin = `https://localhost:${proxyPort}`
  const tenant = await startTestTenant(t)
  const service = await startTestProfileService(t, tenant)
  const session = {
    secrets: [randomBytes(32).toString('base64')], secureCookie: true, idleTimeoutMs: 30 * 60_000, absoluteTimeoutMs: 12 * 3600_000,
    redisUrl: testRedisUrl, redisKeyPrefix: redis.prefix, tokenCacheKeys: [randomBytes(32).toString('base64')],
  }
  const config = { publicOrigin: origin, redirectUri: `${origin}/auth/redirect`, postLogoutRedirectUri: `${origin}/`, trustProxy: ['127.0.0.1'], session }
  const replicas = [await startTestBff(t, tenant, service.url, { config }), await startTestBff(t, tenant, service.url, { config })]
  const upstreams = replicas.map(({ app }) => `127.0.0.1:${(app.server.address() as { port: number }).port}`)
  const proxy = await startTlsProxy(t, proxyPort, upstreams)
  if (!proxy) return
  const browser = await launchBrowser(t, { trustCertificates: [proxy.certificateFile] })
  if (!browser) return
  const context = await browser.newContext()
  t.teardown(() => context.close())
  const page = await context.newPage()

  await page.goto(origin)
  await page.getByRole('link', { name: 'Sign In' }).click()
  await signInOnTenantPages(page, tenant.demoUser)
  await page.getByRole('heading', { name: 'Hi Demo User' }).waitFor()
  t.equal(new URL(page.url()).origin, origin, 'signed in, back on the https origin')

  const sessionCookie = (await context.cookies(origin)).find((cookie) => cookie.name === '__Host-session')
  t.ok(sessionCookie, 'the session cookie is __Host-session')
  t.equal(sessionCookie?.secure, true, 'Secure')
  t.equal(sessionCookie?.httpOnly, true, 'HttpOnly')
  t.equal(sessionCookie?.path, '/', 'Path=/')
  t.equal(sessionCookie?.sameSite, 'Lax', 'SameSite=Lax')

  await openEditorThroughStepUp(t, page, context, { email: tenant.demoUser.email, mailboxUrl: `${tenant.httpOrigin}/mailbox` })
  const displayName = page.getByLabel('Display name')
  t.equal(await displayName.inputValue(), 'Demo User', 'back in the editor after step-up, with the draft')
  await displayName.fill('Demo Behind Proxy')
  await page.getByRole('button', { name: 'Save' }).click()
  await page.getByRole('status').filter({ hasText: 'Your profile was saved.' }).waitFor()
  t.equal((await page.locator('[data-field="displayName"]').textContent())?.trim(), 'Demo Behind Proxy', 'the card shows the new name')

  await page.getByRole('button', { name: 'Sign out' }).first().click()
  await page.getByRole('link', { name: 'Sign In' }).waitFor()
  t.equal(new URL(page.url()).origin, origin, 'the tenant sent the user back to the https origin')

  const servedBy = await proxy.servedBy()
  t.same([...new Set(servedBy)].sort(), [...upstreams].sort(), `both replicas served the journey (${upstreams.map((u) => `${u}: ${servedBy.filter((s) => s === u).length}`).join(', ')} requests)`)
  const switches = servedBy.slice(1).filter((upstream, i) => upstream !== servedBy[i]).length
  t.ok(switches >= servedBy.length / 2, `requests alternated between replicas (${switches} switches in ${servedBy.length} requests)`)
})
