import { readFile } from 'node:fs/promises'
import type { Page } from 'playwright-core'
import t from 'tap'
import { startTestStack } from '../helpers/bff.ts'
import { launchBrowser } from '../helpers/browser.ts'

// axe-core audits every page and fragment state a user meets, in Chromium, against the real
// stack. Each state is reached the way a user reaches it, so the audits run in order.

const axeSource = await readFile(new URL('../../node_modules/axe-core/axe.min.js', import.meta.url), 'utf8')

interface Violation { id: string; impact: string | null; help: string; targets: string[] }

async function seriousViolations(page: Page): Promise<Violation[]> {
  await page.addScriptTag({ content: axeSource })
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[] }> } }).axe
    return (await axe.run()).violations.map(({ id, impact, help, nodes }) => ({ id, impact, help, targets: nodes.map((node) => node.target.join(' ')) }))
  })
  return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
}

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

  t.test('the not-found page', async (t) => {
    await page.goto(`${stack.url}/no-such-page`)
    await page.getByRole('heading', { name: 'Page not found' }).waitFor()
    t.same(await seriousViolations(page), [])
  })
})
