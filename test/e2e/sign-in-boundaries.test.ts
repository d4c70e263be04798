import t from 'tap'
import { pageOnTestStack, signInOnTenantPages } from '../helpers/browser-journey.ts'

// What a real browser keeps and where it lands around sign-in and sign-out.

t.test('Back after sign-out shows neither the profile nor the ID token claims', async (t) => {
  const opened = await pageOnTestStack(t)
  if (!opened) return
  const { stack, page } = opened
  await page.goto(`${stack.url}/auth/sign-in?returnTo=%2Fprofile`)
  await signInOnTenantPages(page, stack.tenant.demoUser)
  await page.getByText('demo@contoso.test').waitFor()
  await page.goto(`${stack.url}/claims`)
  await page.getByRole('heading', { name: 'ID token claims' }).waitFor()
  await page.getByRole('button', { name: 'Sign out' }).first().click()
  await page.getByRole('link', { name: 'Sign In' }).waitFor()

  await page.goBack()
  await page.waitForLoadState()
  t.notMatch(await page.content(), /demo@contoso\.test|ID token claims/, 'Back does not show the claims from cache')
  await page.goBack()
  await page.waitForLoadState()
  t.notMatch(await page.content(), /demo@contoso\.test|Your profile/, 'Back does not show the profile from cache')
})

t.test('a returnTo that normalises to another host lands on this site after a genuine sign-in', async (t) => {
  const opened = await pageOnTestStack(t)
  if (!opened) return
  const { stack, context, page } = opened
  // Nothing may leave the machine: any request to the other host fails here and is recorded.
  const offSite: string[] = []
  await context.route((url) => url.hostname === 'evil.example', (route) => {
    offSite.push(route.request().url())
    return route.abort()
  })
  await page.goto(`${stack.url}/auth/sign-in?returnTo=${encodeURIComponent('/.//evil.example/x')}`)
  await signInOnTenantPages(page, stack.tenant.demoUser)
  await page.getByRole('heading', { name: 'Hi Demo User' }).waitFor()
  t.equal(page.url(), `${stack.url}/`)
  t.same(offSite, [], 'the browser never went to evil.example')
})
