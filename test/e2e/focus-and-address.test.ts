import t from 'tap'
import { pageOnTestStack, signInOnTenantPages } from '../helpers/browser-journey.ts'
import { addressOf, focusedElement } from '../helpers/focus.ts'

// After every swap the focus is where the user's attention goes (WAI-ARIA practices) and the
// address bar is honest: Chromium, htmx, the real stack. The steps run in order, as a user would.

t.test('focus and address after each step of the editor, with JavaScript', async (t) => {
  const opened = await pageOnTestStack(t)
  if (!opened) return
  const { stack, page } = opened
  const { email, password } = stack.tenant.demoUser

  await page.goto(`${stack.url}/profile`)
  await signInOnTenantPages(page, { email, password })
  await page.getByText(email).waitFor()

  t.test('the step-up fragment: its heading', async (t) => {
    await page.getByRole('link', { name: 'Edit', exact: true }).click()
    await page.getByRole('heading', { name: "Verify it's you" }).waitFor()
    t.match(await focusedElement(page), { tag: 'h2', text: "Verify it's you" })
    t.equal(addressOf(page), '/profile')
  })

  t.test('the landing after step-up: the editor, its first field', async (t) => {
    await page.getByRole('link', { name: "Verify it's you" }).click()
    await page.getByLabel('Enter code').fill(stack.tenant.testing.lastCode(email)!)
    await page.getByRole('button', { name: 'Verify' }).click()
    await page.getByLabel('Display name').waitFor()
    await page.getByRole('status').filter({ hasText: 'Thanks, you are verified.' }).waitFor()
    t.match(await focusedElement(page), { tag: 'input', id: 'field-displayName' })
  })

  t.test('a 422: the error summary, which links to the invalid field', async (t) => {
    await page.getByLabel('Display name').fill('')
    await page.getByRole('button', { name: 'Save' }).click()
    await page.getByText('Check the highlighted fields.').waitFor()
    t.match(await focusedElement(page), { tag: 'div', id: 'error-summary' })
    const link = page.locator('#error-summary a')
    t.equal(await link.getAttribute('href'), '#field-displayName')
    t.equal((await link.textContent())?.trim(), 'Display name', 'the summary names the field')
    await link.click()
    t.match(await focusedElement(page), { tag: 'input', id: 'field-displayName' }, 'the link moves to the field')
    t.equal(await page.getByText('Thanks, you are verified.').count(), 0, 'the step-up notice went with the swap')
  })

  t.test('saved: the status message, the address without ?edit=1, no stale notice', async (t) => {
    await page.getByLabel('Display name').fill('Demo Focused')
    await page.getByRole('button', { name: 'Save' }).click()
    await page.getByRole('status').filter({ hasText: 'Your profile was saved.' }).waitFor()
    t.match(await focusedElement(page), { tag: 'p', role: 'status', text: 'Your profile was saved.' })
    t.equal(addressOf(page), '/profile')
    t.equal(await page.getByText('Thanks, you are verified.').count(), 0)
    t.equal(await page.locator('#profile-panel').getAttribute('aria-live'), 'polite', 'the live region stays polite')
    t.equal(await page.locator('[aria-live="assertive"]').count(), 0)
  })

  t.test('the editor opened: its first field; cancelled: the Edit button and /profile', async (t) => {
    await page.getByRole('link', { name: 'Edit', exact: true }).click()
    await page.getByLabel('Display name').waitFor()
    t.match(await focusedElement(page), { tag: 'input', id: 'field-displayName' })
    t.equal(await page.getByText('Your profile was saved.').count(), 0, 'the saved notice went with the swap')
    await page.getByRole('button', { name: 'Cancel' }).click()
    await page.getByRole('link', { name: 'Edit', exact: true }).waitFor()
    t.match(await focusedElement(page), { tag: 'a', text: 'Edit' })
    t.equal(addressOf(page), '/profile')
  })

  t.test('reload after save shows the card, not the editor', async (t) => {
    await page.reload()
    await page.getByRole('link', { name: 'Edit', exact: true }).waitFor()
    t.equal(await page.getByLabel('Display name').count(), 0)
    t.equal((await page.locator('[data-field="displayName"]').textContent())?.trim(), 'Demo Focused')
  })
})
