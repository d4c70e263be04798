import t from 'tap'
import { startTestStack } from '../helpers/bff.ts'
import { launchBrowser } from '../helpers/browser.ts'

// The whole user journey in headless Chromium, with the real tenant pages, htmx and the mailbox.

const jwtPattern = /eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/

t.test('sign in, step up with the mailed code, edit the display name, sign out — and no token reaches the browser', async (t) => {
  const browser = await launchBrowser(t)
  if (!browser) return
  const stack = await startTestStack(t)
  const context = await browser.newContext()
  const page = await context.newPage()
  const seen: string[] = []
  page.on('response', async (response) => {
    seen.push(response.url())
    const type = response.headers()['content-type'] ?? ''
    if (/text|json|javascript/.test(type) && response.status() !== 302) {
      seen.push(await response.text().catch(() => ''))
    }
  })

  await page.goto(stack.url)
  await page.getByRole('link', { name: 'Sign In' }).click()
  await page.getByLabel('Email address').fill(stack.tenant.demoUser.email)
  await page.getByRole('button', { name: 'Next' }).click()
  await page.getByLabel('Password').fill(stack.tenant.demoUser.password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.getByRole('heading', { name: 'Hi Demo User' }).waitFor()

  await page.getByRole('main').getByRole('link', { name: 'Edit profile' }).click()
  await page.getByText('demo@contoso.test').waitFor()
  await page.getByRole('link', { name: 'Edit', exact: true }).click()
  const verify = page.getByRole('link', { name: "Verify it's you" })
  await verify.waitFor()
  t.pass('the editor answered the step-up fragment')
  await verify.click()

  await page.getByLabel('Enter code').waitFor()
  const mailbox = await context.newPage()
  await mailbox.goto(`${stack.tenant.httpOrigin}/mailbox`)
  const code = (await mailbox.locator('.code').first().textContent())!.trim()
  t.match(code, /^\d{6}$/, 'the code came from the dev mailbox')
  await mailbox.close()
  await page.getByLabel('Enter code').fill(code)
  await page.getByRole('button', { name: 'Verify' }).click()

  const displayName = page.getByLabel('Display name')
  await displayName.waitFor()
  t.equal(await displayName.inputValue(), 'Demo User', 'back in the editor after step-up')
  await displayName.fill('Demo Traveller')
  await page.screenshot({ path: new URL('../../docs/screenshot-editor.png', import.meta.url).pathname })
  await page.getByRole('button', { name: 'Save' }).click()
  await page.getByRole('status').filter({ hasText: 'Your profile was saved.' }).waitFor()
  t.equal((await page.locator('[data-field="displayName"]').textContent())?.trim(), 'Demo Traveller', 'the card shows the new name')

  await page.getByRole('button', { name: 'Sign out' }).first().click()
  await page.getByRole('link', { name: 'Sign In' }).waitFor()
  t.equal(new URL(page.url()).origin, stack.url, 'the tenant sent the user back to the app')

  const cookies = await context.cookies()
  t.ok(seen.length > 10, 'responses were recorded')
  t.notOk(seen.some((text) => jwtPattern.test(text)), 'no response body or URL carried a JWT')
  t.notOk(cookies.some((cookie) => jwtPattern.test(cookie.value)), 'no cookie holds a JWT')
  await context.close()
})
