import t from 'tap'
import { startTestStack } from '../helpers/bff.ts'
import { launchBrowserTrustingCa } from '../helpers/browser-trusting-ca.ts'

// The user journey once more with the tenant's pages on its https origin, as Entra serves them:
// Chromium trusts the local CA through its NSS store, and checks every certificate.

t.test('sign in, step up, edit and sign out with the tenant pages on https, the CA trusted in Chromium’s NSS store', async (t) => {
  const stack = await startTestStack(t, { tenant: { pagesOnHttps: true } })
  const browser = await launchBrowserTrustingCa(t, stack.tenant.caCertificatePem)
  if (!browser) return
  const context = await browser.newContext()
  const page = await context.newPage()
  const tenantOrigins = new Set<string>()
  page.on('request', (request) => {
    const origin = new URL(request.url()).origin
    if (origin !== stack.url) tenantOrigins.add(origin)
  })

  await page.goto(stack.url)
  await page.getByRole('link', { name: 'Sign In' }).click()
  await page.getByLabel('Email address').fill(stack.tenant.demoUser.email)
  t.equal(new URL(page.url()).origin, stack.tenant.httpsOrigin, 'the sign-in page is on the tenant’s https origin')
  await page.getByRole('button', { name: 'Next' }).click()
  await page.getByLabel('Password').fill(stack.tenant.demoUser.password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.getByRole('heading', { name: 'Hi Demo User' }).waitFor()

  await page.getByRole('main').getByRole('link', { name: 'Edit profile' }).click()
  await page.getByRole('link', { name: 'Edit', exact: true }).click()
  await page.getByRole('link', { name: "Verify it's you" }).click()
  await page.getByLabel('Enter code').waitFor()
  const mailbox = await context.newPage()
  await mailbox.goto(`${stack.tenant.httpsOrigin}/mailbox`)
  const code = (await mailbox.locator('.code').first().textContent())!.trim()
  await mailbox.close()
  await page.getByLabel('Enter code').fill(code)
  await page.getByRole('button', { name: 'Verify' }).click()

  const displayName = page.getByLabel('Display name')
  await displayName.waitFor()
  await displayName.fill('Demo Over HTTPS')
  await page.getByRole('button', { name: 'Save' }).click()
  await page.getByRole('status').filter({ hasText: 'Your profile was saved.' }).waitFor()
  t.equal((await page.locator('[data-field="displayName"]').textContent())?.trim(), 'Demo Over HTTPS')

  await page.getByRole('button', { name: 'Sign out' }).first().click()
  await page.getByRole('link', { name: 'Sign In' }).waitFor()
  t.equal(new URL(page.url()).origin, stack.url, 'the tenant’s https logout sent the user back to the app')
  t.same([...tenantOrigins], [stack.tenant.httpsOrigin], 'the browser met the tenant only on https')
  await context.close()
})
