import t from 'tap'
import { seriousViolations } from '../helpers/axe.ts'
import { BffBrowser, startTestStack } from '../helpers/bff.ts'
import { launchBrowser } from '../helpers/browser.ts'
import { signInOnTenantPages } from '../helpers/browser-journey.ts'
import { focusedElement } from '../helpers/focus.ts'

// Two devices, one profile, in a real browser with htmx: Chromium's editor is open while another
// session saves the same field; Chromium's save answers 409 and htmx swaps in the choice, and
// taking the saved value saves the rest.

t.test('a conflicting save in Chromium shows both values and resolves', async (t) => {
  const browser = await launchBrowser(t)
  if (!browser) return
  const stack = await startTestStack(t)
  // axe is injected as a script, which the app's CSP rightly forbids: bypassed for the audit only.
  const context = await browser.newContext({ bypassCSP: true })
  t.teardown(() => context.close())
  const page = await context.newPage()
  const { email, password } = stack.tenant.demoUser

  await page.goto(`${stack.url}/profile`)
  await signInOnTenantPages(page, { email, password })
  await page.getByRole('link', { name: 'Edit', exact: true }).click()
  await page.getByRole('link', { name: "Verify it's you" }).click()
  await page.getByLabel('Enter code').fill(stack.tenant.testing.lastCode(email)!)
  await page.getByRole('button', { name: 'Verify' }).click()
  await page.getByLabel('Display name').waitFor()

  // The other device: its own session, past its own step-up, saves the display name.
  const other = new BffBrowser(stack.url, stack.tenant)
  await other.signIn()
  await other.get('/profile/editor', { htmx: true })
  await other.get((await other.authorize('/auth/step-up')).location!)
  t.equal((await other.send('PATCH', '/profile', { htmx: true, form: { displayName: 'Saved Elsewhere', givenName: 'Demo', surname: 'User' } })).status, 200)

  await page.getByLabel('Display name').fill('Typed In Chromium')
  await page.getByLabel('Surname').fill('Chromium Surname')
  await page.getByRole('button', { name: 'Save' }).click()
  await page.getByText('Display name was changed elsewhere.').waitFor()
  t.match(await focusedElement(page), { id: 'conflict-summary' }, 'the focus goes to the conflict')
  t.equal(await page.getByLabel('Display name').inputValue(), 'Typed In Chromium', 'what was typed is kept')
  t.equal(await page.getByRole('radio', { name: 'Keep yours: Typed In Chromium' }).isChecked(), true)
  t.same(await seriousViolations(page), [], 'the conflict choice passes axe')

  await page.getByRole('radio', { name: 'Take the saved value: Saved Elsewhere' }).check()
  await page.getByRole('button', { name: 'Save' }).click()
  await page.getByRole('status').filter({ hasText: 'Your profile was saved.' }).waitFor()
  t.equal((await page.locator('dd[data-field="displayName"]').textContent())?.trim(), 'Saved Elsewhere')
  t.equal((await page.locator('dd[data-field="surname"]').textContent())?.trim(), 'Chromium Surname')
})
