import t from 'tap'
import { startTestStack } from '../helpers/bff.ts'
import { launchBrowser } from '../helpers/browser.ts'
import { openEditorThroughStepUp, signInOnTenantPages } from '../helpers/browser-journey.ts'

// The whole user journey in headless Chromium, with the real tenant pages, htmx and the mailbox.

const jwtPattern = /eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/
// Git-ignored: the README's screenshot (docs/screenshot-editor.png) is updated on purpose, by copying this.
const screenshotPath = new URL('../../.tap/screenshots/editor.png', import.meta.url).pathname

t.test('sign in, step up with the mailed code, edit the display name, sign out — and no token reaches the browser', async (t) => {
  const browser = await launchBrowser(t)
  if (!browser) return
  const stack = await startTestStack(t)
  const context = await browser.newContext()
  const page = await context.newPage()
  // Every response's URL and text body, read as it arrives; awaited before the check below.
  const reads: Promise<string>[] = []
  page.on('response', (response) => {
    reads.push(Promise.resolve(response.url()))
    const type = response.headers()['content-type'] ?? ''
    if (/text|json|javascript/.test(type) && response.status() !== 302) reads.push(response.text().catch(() => ''))
  })

  await page.goto(stack.url)
  await page.getByRole('link', { name: 'Sign In' }).click()
  await signInOnTenantPages(page, stack.tenant.demoUser)
  await page.getByRole('heading', { name: 'Hi Demo User' }).waitFor()

  await openEditorThroughStepUp(t, page, context, { email: stack.tenant.demoUser.email, mailboxUrl: `${stack.tenant.httpOrigin}/mailbox` })
  const displayName = page.getByLabel('Display name')
  t.equal(await displayName.inputValue(), 'Demo User', 'back in the editor after step-up')
  await displayName.fill('Demo Traveller')
  await page.screenshot({ path: screenshotPath, fullPage: true })
  await page.getByRole('button', { name: 'Save' }).click()
  await page.getByRole('status').filter({ hasText: 'Your profile was saved.' }).waitFor()
  t.equal((await page.locator('[data-field="displayName"]').textContent())?.trim(), 'Demo Traveller', 'the card shows the new name')

  await page.getByRole('button', { name: 'Sign out' }).first().click()
  await page.getByRole('link', { name: 'Sign In' }).waitFor()
  t.equal(new URL(page.url()).origin, stack.url, 'the tenant sent the user back to the app')

  const cookies = await context.cookies()
  await context.close()
  const seen = await Promise.all(reads)
  t.ok(seen.filter((text) => text.length > 200).length > 5, 'response bodies were recorded, not only URLs')
  t.notOk(seen.some((text) => jwtPattern.test(text)), 'no response body or URL carried a JWT')
  t.notOk(cookies.some((cookie) => jwtPattern.test(cookie.value)), 'no cookie holds a JWT')
})
