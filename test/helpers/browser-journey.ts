import type { BrowserContext, Page } from 'playwright-core'
import type { Test } from 'tap'
import { startTestStack } from './bff.ts'
import { launchBrowser } from './browser.ts'

// The user's journey through the real pages, for tests that run the product somewhere other than
// in-process (a booted image, a proxy): sign in, the 401 step-up fragment, the code from the
// dev mailbox, save, sign out. Only what a user sees is used, so it works against any deployment.

export interface JourneyTarget {
  appUrl: string
  mailboxUrl: string
  user: { email: string; password: string }
  newDisplayName: string
}

/** On the tenant's sign-in pages: email, Next, password, Sign in. */
export async function signInOnTenantPages(page: Page, user: { email: string; password: string }): Promise<void> {
  await page.getByLabel('Email address').fill(user.email)
  await page.getByRole('button', { name: 'Next' }).click()
  await page.getByLabel('Password').fill(user.password)
  await page.getByRole('button', { name: 'Sign in' }).click()
}

/** From the signed-in home page: Edit profile, Edit, the 401 step-up fragment, the mailed code, back in the editor. */
export async function openEditorThroughStepUp(t: Test, page: Page, context: BrowserContext, target: { email: string; mailboxUrl: string }): Promise<void> {
  await page.getByRole('main').getByRole('link', { name: 'Edit profile' }).click()
  await page.getByText(target.email).waitFor()
  await page.getByRole('link', { name: 'Edit', exact: true }).click()
  const verify = page.getByRole('link', { name: "Verify it's you" })
  await verify.waitFor()
  t.pass('the editor answered the step-up fragment')
  await verify.click()

  await page.getByLabel('Enter code').waitFor()
  const mailbox = await context.newPage()
  await mailbox.goto(target.mailboxUrl)
  const code = (await mailbox.locator('.code').first().textContent())?.trim() ?? ''
  t.match(code, /^\d{6}$/, 'the code came from the dev mailbox')
  await mailbox.close()
  await page.getByLabel('Enter code').fill(code)
  await page.getByRole('button', { name: 'Verify' }).click()
  await page.getByLabel('Display name').waitFor()
}

export async function signInEditAndSignOut(t: Test, context: BrowserContext, target: JourneyTarget): Promise<void> {
  const page = await context.newPage()
  await page.goto(target.appUrl)
  await page.getByRole('link', { name: 'Sign In' }).click()
  await signInOnTenantPages(page, target.user)
  await page.getByRole('heading', { name: /^Hi / }).waitFor()
  t.pass('signed in through the tenant pages')

  await openEditorThroughStepUp(t, page, context, { email: target.user.email, mailboxUrl: target.mailboxUrl })
  await page.getByLabel('Display name').fill(target.newDisplayName)
  await page.getByRole('button', { name: 'Save' }).click()
  await page.getByRole('status').filter({ hasText: 'Your profile was saved.' }).waitFor()
  t.equal((await page.locator('[data-field="displayName"]').textContent())?.trim(), target.newDisplayName, 'the saved name is on the card')

  await page.getByRole('button', { name: 'Sign out' }).first().click()
  await page.getByRole('link', { name: 'Sign In' }).waitFor()
  t.equal(new URL(page.url()).origin, new URL(target.appUrl).origin, 'signed out and back on the app')
  await page.close()
}

/** Chromium on a fresh tenant, service and BFF: a page in a context of its own, closed on teardown; undefined without Chromium (launchBrowser skips or fails). */
export async function pageOnTestStack(t: Test) {
  const browser = await launchBrowser(t)
  if (!browser) return undefined
  const stack = await startTestStack(t)
  const context = await browser.newContext()
  t.teardown(() => context.close())
  return { stack, context, page: await context.newPage() }
}
