import t from 'tap'
import { startTestStack } from '../helpers/bff.ts'
import { launchBrowser } from '../helpers/browser.ts'
import { addressOf, focusedElement } from '../helpers/focus.ts'

// The whole journey in Chromium with JavaScript disabled: the pages are the product, htmx only
// makes them smoother. Links, plain form posts and 303 redirects carry every step.

t.test('sign in, step up, 422 with values kept, save, cancel dropping the draft, sign out — without JavaScript', async (t) => {
  const browser = await launchBrowser(t)
  if (!browser) return
  const stack = await startTestStack(t)
  const context = await browser.newContext({ javaScriptEnabled: false })
  t.teardown(() => context.close())
  const page = await context.newPage()
  const { email, password } = stack.tenant.demoUser
  const htmxRequests: string[] = []
  page.on('request', (request) => { if (request.headers()['hx-request']) htmxRequests.push(request.url()) })

  await page.goto(stack.url)
  await page.getByRole('link', { name: 'Sign In' }).click()
  await page.getByLabel('Email address').fill(email)
  await page.getByRole('button', { name: 'Next' }).click()
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.getByRole('heading', { name: 'Hi Demo User' }).waitFor()
  t.pass('signed in')

  await page.getByRole('main').getByRole('link', { name: 'Edit profile' }).click()
  await page.getByRole('link', { name: 'Edit', exact: true }).click()
  await page.getByRole('heading', { name: "Verify it's you" }).waitFor()
  t.equal(addressOf(page), '/profile?edit=1', 'the editor link is a plain link')

  await page.getByRole('link', { name: "Verify it's you" }).click()
  await page.getByLabel('Enter code').fill(stack.tenant.testing.lastCode(email)!)
  await page.getByRole('button', { name: 'Verify' }).click()
  await page.getByLabel('Display name').waitFor()
  t.equal(await page.getByLabel('Display name').inputValue(), 'Demo User', 'stepped up: the editor opens')
  t.match(await focusedElement(page), { id: 'field-displayName' }, 'the first field has the focus (autofocus)')

  await page.getByLabel('Display name').fill('')
  await page.getByLabel('Given name').fill('Kept Given')
  await page.getByRole('button', { name: 'Save' }).click()
  await page.getByText('Check the highlighted fields.').waitFor()
  t.equal(await page.getByLabel('Given name').inputValue(), 'Kept Given', '422: the typed value is kept')
  t.match(await focusedElement(page), { id: 'error-summary' }, '422: the error summary has the focus')

  await page.getByLabel('Display name').fill('Demo Without Script')
  await page.getByRole('button', { name: 'Save' }).click()
  await page.getByRole('status').filter({ hasText: 'Your profile was saved.' }).waitFor()
  t.equal(addressOf(page), '/profile', 'saved: back on /profile (303)')
  t.equal((await page.locator('[data-field="displayName"]').textContent())?.trim(), 'Demo Without Script')
  t.equal((await page.locator('[data-field="givenName"]').textContent())?.trim(), 'Kept Given')

  await page.getByRole('link', { name: 'Edit', exact: true }).click()
  await page.getByLabel('Display name').fill('')
  await page.getByLabel('Given name').fill('Draft Given')
  await page.getByRole('button', { name: 'Save' }).click()
  await page.getByText('Check the highlighted fields.').waitFor()
  await page.getByRole('button', { name: 'Cancel' }).click()
  await page.getByRole('link', { name: 'Edit', exact: true }).waitFor()
  t.equal(addressOf(page), '/profile', 'cancelled: back on /profile (303)')
  await page.getByRole('link', { name: 'Edit', exact: true }).click()
  t.equal(await page.getByLabel('Given name').inputValue(), 'Kept Given', 'Cancel dropped the draft')

  await page.getByRole('button', { name: 'Sign out' }).first().click()
  await page.getByRole('link', { name: 'Sign In' }).waitFor()
  t.equal(new URL(page.url()).origin, stack.url, 'signed out and back on the app')
  t.same(htmxRequests, [], 'htmx never ran: every step was a plain page')
})
