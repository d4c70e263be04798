import type { BrowserContext } from 'playwright-core'
import type { Test } from 'tap'

// The user's journey through the real pages, for tests that run the product somewhere other than
// in-process (a booted image, a proxy): sign in, the 401 step-up fragment, the code from the
// dev mailbox, save, sign out. Only what a user sees is used, so it works against any deployment.

export interface JourneyTarget {
  appUrl: string
  mailboxUrl: string
  user: { email: string; password: string }
  newDisplayName: string
}

export async function signInEditAndSignOut(t: Test, context: BrowserContext, target: JourneyTarget): Promise<void> {
  const page = await context.newPage()
  await page.goto(target.appUrl)
  await page.getByRole('link', { name: 'Sign In' }).click()
  await page.getByLabel('Email address').fill(target.user.email)
  await page.getByRole('button', { name: 'Next' }).click()
  await page.getByLabel('Password').fill(target.user.password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.getByRole('heading', { name: /^Hi / }).waitFor()
  t.pass('signed in through the tenant pages')

  await page.getByRole('main').getByRole('link', { name: 'Edit profile' }).click()
  await page.getByText(target.user.email).waitFor()
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

  const displayName = page.getByLabel('Display name')
  await displayName.waitFor()
  await displayName.fill(target.newDisplayName)
  await page.getByRole('button', { name: 'Save' }).click()
  await page.getByRole('status').filter({ hasText: 'Your profile was saved.' }).waitFor()
  t.equal((await page.locator('[data-field="displayName"]').textContent())?.trim(), target.newDisplayName, 'the saved name is on the card')

  await page.getByRole('button', { name: 'Sign out' }).first().click()
  await page.getByRole('link', { name: 'Sign In' }).waitFor()
  t.equal(new URL(page.url()).origin, new URL(target.appUrl).origin, 'signed out and back on the app')
  await page.close()
}
