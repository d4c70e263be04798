import { randomBytes } from 'node:crypto'
import type { BrowserContext, Page } from 'playwright-core'
import t from 'tap'
import { startTestBff, startTestStack } from '../helpers/bff.ts'
import { launchBrowser } from '../helpers/browser.ts'
import { startTestTenant } from '../helpers/local-tenant.ts'
import { startTestProfileService } from '../helpers/profile-service.ts'
import { connectTestRedis, testRedisUrl } from '../helpers/redis.ts'
import type { LocalTenant } from 'entra-local-tenant'

// Sessions ended from elsewhere, in headless Chromium with the tenant's real pages: its logout
// page's front-channel iframe (cross-site: the BFF runs on 127.0.0.1, the tenant on localhost,
// so the SameSite=Lax cookie does not come along), and "Sign out of every device".

async function signIn(context: BrowserContext, appUrl: string, tenant: LocalTenant): Promise<Page> {
  const page = await context.newPage()
  await page.goto(appUrl)
  await page.getByRole('link', { name: 'Sign In' }).click()
  await page.getByLabel('Email address').fill(tenant.demoUser.email)
  await page.getByRole('button', { name: 'Next' }).click()
  await page.getByLabel('Password').fill(tenant.demoUser.password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.getByRole('heading', { name: 'Hi Demo User' }).waitFor()
  return page
}

t.test('signing out at the tenant in another tab ends the BFF session on both replicas', async (t) => {
  const browser = await launchBrowser(t)
  if (!browser) return
  const redis = await connectTestRedis(t)
  if (!redis) return
  const tenant = await startTestTenant(t)
  const service = await startTestProfileService(t, tenant)
  const session = {
    secrets: [randomBytes(32).toString('base64')], secureCookie: false, idleTimeoutMs: 30 * 60_000, absoluteTimeoutMs: 12 * 3600_000,
    redisUrl: testRedisUrl, redisKeyPrefix: redis.prefix, tokenCacheKeys: [randomBytes(32).toString('base64')],
  }
  const replica = async () => {
    const { freePort } = await import('../../harness/ports.ts')
    const port = await freePort()
    return startTestBff(t, tenant, service.url, { config: { port, publicOrigin: `http://127.0.0.1:${port}`, session } })
  }
  const a = await replica()
  const b = await replica()
  tenant.testing.registerRedirectUris(tenant.apps.bff.clientId, { frontChannelLogoutUrl: `${a.url}/auth/front-channel-logout` })

  const context = await browser.newContext()
  const app = await signIn(context, a.url, tenant)
  await app.goto(b.url)
  await app.getByRole('heading', { name: 'Hi Demo User' }).waitFor()
  t.pass('signed in, and both replicas know it')

  const tenantTab = await context.newPage()
  const framed = tenantTab.waitForResponse((response) => response.url().startsWith(`${a.url}/auth/front-channel-logout?sid=`))
  await tenantTab.goto(`${tenant.browserOrigin}/${tenant.tenantId}/oauth2/v2.0/logout`)
  await tenantTab.getByRole('heading', { name: 'You signed out of your account' }).waitFor()
  const response = await framed
  t.equal(response.status(), 200)
  t.notOk((await response.request().allHeaders()).cookie, 'the cross-site iframe carried no session cookie')
  const frame = tenantTab.frames().find((candidate) => candidate.url().startsWith(`${a.url}/auth/front-channel-logout`))
  await frame?.waitForLoadState()
  t.match(await frame?.textContent('body'), /Signed out/, 'the tenant may frame it (frame-ancestors)')

  await app.goto(a.url)
  await app.getByRole('link', { name: 'Sign In' }).waitFor()
  t.pass('replica A: signed out')
  await app.goto(b.url)
  await app.getByRole('link', { name: 'Sign In' }).waitFor()
  t.pass('replica B: signed out')
  await context.close()
})

t.test('sign out of every device ends the sessions of two browsers', async (t) => {
  const browser = await launchBrowser(t)
  if (!browser) return
  const stack = await startTestStack(t)
  stack.tenant.testing.registerRedirectUris(stack.tenant.apps.bff.clientId, { frontChannelLogoutUrl: `${stack.url}/auth/front-channel-logout` })
  const laptop = await browser.newContext()
  const phone = await browser.newContext()
  const onLaptop = await signIn(laptop, stack.url, stack.tenant)
  const onPhone = await signIn(phone, stack.url, stack.tenant)

  await onLaptop.getByRole('main').getByRole('link', { name: 'Edit profile' }).click()
  await onLaptop.getByRole('button', { name: 'Sign out of every device' }).click()
  // Through the tenant's logout page (its front-channel iframe, then on to the post-logout URI).
  await onLaptop.waitForURL(`${stack.url}/`)
  await onLaptop.getByRole('link', { name: 'Sign In' }).waitFor()
  t.pass('the laptop is signed out, back on the app')

  await onPhone.reload()
  await onPhone.getByRole('link', { name: 'Sign In' }).waitFor()
  t.pass('the phone is signed out too')
  await laptop.close()
  await phone.close()
})
