import type { Page } from 'playwright-core'
import t from 'tap'
import { pageOnTestStack } from '../helpers/browser-journey.ts'

// The local tenant is a demo: none of its pages may pass for a real sign-in service.

async function banner(page: Page): Promise<string> {
  return (await page.getByRole('banner').textContent()) ?? ''
}

t.test('every local tenant page and the mailbox say "development tenant — not for production"', async (t) => {
  const opened = await pageOnTestStack(t)
  if (!opened) return
  const { stack, page } = opened
  const tenant = stack.tenant.httpOrigin
  const warning = /development tenant — not for production/i

  await page.goto(stack.url)
  await page.getByRole('link', { name: 'Sign In' }).click()
  await page.getByLabel('Email address').waitFor()
  t.match(await banner(page), warning, 'the email page')
  await page.getByLabel('Email address').fill(stack.tenant.demoUser.email)
  await page.getByRole('button', { name: 'Next' }).click()
  await page.getByLabel('Password').waitFor()
  t.match(await banner(page), warning, 'the password page')

  await page.goto(`${tenant}/mailbox`)
  t.match(await banner(page), warning, 'the mailbox')
  await page.goto(`${tenant}/`)
  t.match(await banner(page), warning, 'the tenant home page')
  await page.goto(`${tenant}/${stack.tenant.tenantId}/oauth2/v2.0/authorize?client_id=unknown`)
  t.match(await banner(page), warning, 'an error page')
  await page.goto(`${tenant}/${stack.tenant.tenantId}/oauth2/v2.0/logout`)
  t.match(await banner(page), warning, 'the signed-out page')
})
