import t from 'tap'
import { seriousViolations } from '../helpers/axe.ts'
import { startTestStack } from '../helpers/bff.ts'
import { launchBrowser } from '../helpers/browser.ts'

// axe-core audits every page and fragment state a user meets, in Chromium, against the real
// stack, in English and in German. Each state is reached the way a user reaches it, so the
// audits run in order.

t.test('the pages have no serious or critical accessibility violations', async (t) => {
  const browser = await launchBrowser(t)
  if (!browser) return
  const stack = await startTestStack(t)
  // axe is injected as a script, which the app's CSP rightly forbids: bypassed for the audit only.
  const context = await browser.newContext({ bypassCSP: true })
  t.teardown(() => context.close())
  const page = await context.newPage()
  const { email, password } = stack.tenant.demoUser

  t.test('home, signed out', async (t) => {
    await page.goto(stack.url)
    t.same(await seriousViolations(page), [])
  })

  t.test('the tenant sign-in page', async (t) => {
    await page.getByRole('link', { name: 'Sign In' }).click()
    await page.getByLabel('Email address').waitFor()
    t.same(await seriousViolations(page), [])
  })

  t.test('home, signed in', async (t) => {
    await page.getByLabel('Email address').fill(email)
    await page.getByRole('button', { name: 'Next' }).click()
    await page.getByLabel('Password').fill(password)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('heading', { name: 'Hi Demo User' }).waitFor()
    t.same(await seriousViolations(page), [])
  })

  t.test('the ID token claims page', async (t) => {
    await page.goto(`${stack.url}/claims`)
    await page.getByRole('table').waitFor()
    t.same(await seriousViolations(page), [])
  })

  t.test('the profile card', async (t) => {
    await page.goto(`${stack.url}/profile`)
    await page.getByText(email).waitFor()
    t.same(await seriousViolations(page), [])
  })

  t.test('the step-up fragment', async (t) => {
    await page.getByRole('link', { name: 'Edit', exact: true }).click()
    await page.getByRole('link', { name: "Verify it's you" }).waitFor()
    t.same(await seriousViolations(page), [])
  })

  t.test('the tenant code page and the editor after step-up', async (t) => {
    await page.getByRole('link', { name: "Verify it's you" }).click()
    await page.getByLabel('Enter code').waitFor()
    t.same(await seriousViolations(page), [], 'code page')
    await page.getByLabel('Enter code').fill(stack.tenant.testing.lastCode(email)!)
    await page.getByRole('button', { name: 'Verify' }).click()
    await page.getByLabel('Display name').waitFor()
    t.same(await seriousViolations(page), [], 'editor')
  })

  t.test('the editor showing validation messages', async (t) => {
    await page.getByLabel('Display name').fill('')
    await page.getByRole('button', { name: 'Save' }).click()
    await page.getByText('Display name is required.').waitFor()
    t.same(await seriousViolations(page), [])
  })

  t.test('the dev mailbox, holding the mailed code', async (t) => {
    const mailbox = await context.newPage()
    t.teardown(() => mailbox.close())
    await mailbox.goto(`${stack.tenant.httpOrigin}/mailbox`)
    await mailbox.getByRole('table').waitFor()
    t.same(await seriousViolations(mailbox), [])
  })

  t.test('the not-found page', async (t) => {
    await page.goto(`${stack.url}/no-such-page`)
    await page.getByRole('heading', { name: 'Page not found' }).waitFor()
    t.same(await seriousViolations(page), [])
  })
})

t.test('the German pages have no serious or critical accessibility violations', async (t) => {
  const browser = await launchBrowser(t)
  if (!browser) return
  const stack = await startTestStack(t)
  // A German browser: Chromium sends Accept-Language de-DE.
  const context = await browser.newContext({ bypassCSP: true, locale: 'de-DE' })
  t.teardown(() => context.close())
  const page = await context.newPage()
  const { email, password } = stack.tenant.demoUser

  t.test('home, signed out', async (t) => {
    await page.goto(stack.url)
    t.equal(await page.locator('html').getAttribute('lang'), 'de')
    t.same(await seriousViolations(page), [])
  })

  t.test('home, signed in; the claims page', async (t) => {
    await page.getByRole('link', { name: 'Anmelden' }).click()
    // The tenant's pages follow the BFF's ui_locales: German too.
    await page.getByLabel('E-Mail-Adresse').fill(email)
    await page.getByRole('button', { name: 'Weiter' }).click()
    await page.getByLabel('Kennwort').fill(password)
    await page.getByRole('button', { name: 'Anmelden' }).click()
    await page.getByRole('heading', { name: 'Hallo Demo User' }).waitFor()
    t.same(await seriousViolations(page), [], 'home')
    await page.goto(`${stack.url}/claims`)
    await page.getByRole('table').waitFor()
    t.same(await seriousViolations(page), [], 'claims')
  })

  t.test('the profile card and the step-up fragment', async (t) => {
    await page.goto(`${stack.url}/profile`)
    await page.getByText(email).waitFor()
    t.same(await seriousViolations(page), [], 'card')
    await page.getByRole('link', { name: 'Bearbeiten', exact: true }).click()
    await page.getByRole('link', { name: 'Identität bestätigen' }).waitFor()
    t.same(await seriousViolations(page), [], 'step-up')
  })

  t.test('the editor after step-up, and with validation messages', async (t) => {
    await page.getByRole('link', { name: 'Identität bestätigen' }).click()
    await page.getByLabel('Code eingeben').fill(stack.tenant.testing.lastCode(email)!)
    await page.getByRole('button', { name: 'Bestätigen' }).click()
    await page.getByLabel('Anzeigename').waitFor()
    t.same(await seriousViolations(page), [], 'editor')
    await page.getByLabel('Anzeigename').fill('')
    await page.getByRole('button', { name: 'Speichern' }).click()
    await page.getByText('Anzeigename ist erforderlich.').waitFor()
    t.same(await seriousViolations(page), [], 'validation messages')
  })

  t.test('the not-found page', async (t) => {
    await page.goto(`${stack.url}/no-such-page`)
    await page.getByRole('heading', { name: 'Seite nicht gefunden' }).waitFor()
    t.same(await seriousViolations(page), [])
  })
})
