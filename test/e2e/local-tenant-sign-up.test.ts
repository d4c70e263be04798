import t from 'tap'
import { startTestStack } from '../helpers/bff.ts'
import { launchBrowser } from '../helpers/browser.ts'

t.test('a new customer signs up on the tenant pages with an emailed code and lands signed in', async (t) => {
  const browser = await launchBrowser(t)
  if (!browser) return
  const stack = await startTestStack(t)
  const context = await browser.newContext()
  const page = await context.newPage()
  await page.goto(stack.url)
  await page.getByRole('link', { name: 'No account? Create one' }).click()
  await page.getByLabel('Email address').fill('new.person@contoso.test')
  await page.getByRole('button', { name: 'Next' }).click()
  await page.getByLabel('Enter code').waitFor()
  const mailbox = await context.newPage()
  await mailbox.goto(`${stack.tenant.httpOrigin}/mailbox`)
  const code = (await mailbox.locator('.code').first().textContent())!.trim()
  await mailbox.close()
  await page.getByLabel('Enter code').fill(code)
  await page.getByRole('button', { name: 'Next' }).click()
  await page.getByLabel('Password').fill('Sign-up-Passw0rd!')
  await page.getByLabel('Display name').fill('New Person')
  await page.getByRole('button', { name: 'Create' }).click()
  await page.getByRole('heading', { name: 'Hi New Person' }).waitFor()
  t.pass('signed in as the new user')
  await context.close()
})
