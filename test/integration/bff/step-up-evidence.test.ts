import t from 'tap'
import { BffBrowser, startTestStack } from '../../helpers/bff.ts'
import { fieldValue } from '../../../harness/html.ts'
import { followAuthorize } from '../../../harness/tenant-pages.ts'
import { renewTokensAtEveryRequest } from '../../helpers/local-tenant.ts'

// Issue 12, item 3: the tenant issues v2 ID tokens without `amr`, as Entra does, so the BFF's
// MFA evidence is the redemption of the challenged resource's code with the challenge's claims.

const htmx = { htmx: true }
const draft = { displayName: 'Draft Across Step-Up', givenName: '', surname: '' }

t.test('with ID tokens that carry no amr, a step-up after the MFA challenge restores the draft', async (t) => {
  const stack = await startTestStack(t)
  const browser = new BffBrowser(stack.url, stack.tenant)
  await browser.signIn()
  const claimsPage = await browser.get('/claims')
  t.equal(claimsPage.status, 200)
  t.notMatch(claimsPage.body, /\bamr\b/, 'the ID token lists no amr')
  await browser.get('/profile')
  t.equal((await browser.send('PATCH', '/profile', { ...htmx, form: draft })).status, 401)
  const back = await browser.authorize('/auth/step-up')
  t.equal(back.status, 302)
  t.equal(back.location, '/profile?edit=1')
  t.equal(fieldValue((await browser.get(back.location!)).body, 'displayName'), 'Draft Across Step-Up')
})

t.test('a step-up whose code redemption is answered with a new challenge is refused, the draft kept', async (t) => {
  const stack = await startTestStack(t)
  const browser = new BffBrowser(stack.url, stack.tenant)
  await browser.signIn()
  await browser.get('/profile')
  t.equal((await browser.send('PATCH', '/profile', { ...htmx, form: draft })).status, 401)
  const start = await browser.get('/auth/step-up')
  const { redirectUrl } = await followAuthorize(stack.tenant, start.location!, stack.tenant.demoUser, browser.tenantJar)
  await stack.tenant.testing.makeMfaStale(stack.tenant.demoUser.email) // the code's MFA no longer counts
  const refused = await browser.get(redirectUrl)
  t.equal(refused.status, 403)
  t.match(refused.body, /still asks for a second factor\. Your changes are kept/)
  t.match((await browser.get('/profile?edit=1')).body, /Verify it's you/, 'editing still needs the step-up')
  const verified = await browser.authorize('/auth/step-up')
  t.equal(fieldValue((await browser.get(verified.location!)).body, 'displayName'), 'Draft Across Step-Up', 'a later step-up restores the draft')
})

t.test('when the next silent call after a step-up is challenged again, the editor asks for the step-up again', async (t) => {
  // 200 s tokens are already "expiring" for msal, so every call goes to the refresh token.
  const stack = await startTestStack(t, { tenant: { editTenant: renewTokensAtEveryRequest } })
  const browser = new BffBrowser(stack.url, stack.tenant)
  await browser.signIn()
  await browser.get('/profile')
  t.equal((await browser.send('PATCH', '/profile', { ...htmx, form: draft })).status, 401)
  const back = await browser.authorize('/auth/step-up')
  t.equal(fieldValue((await browser.get(back.location!)).body, 'displayName'), 'Draft Across Step-Up', 'the step-up worked')
  await stack.tenant.testing.makeMfaStale(stack.tenant.demoUser.email)
  const saved = await browser.send('PATCH', '/profile', { ...htmx, form: draft })
  t.equal(saved.status, 401, 'the service token cannot be renewed without a new second factor')
  t.match(saved.body, /Verify it's you/)
  const again = await browser.authorize('/auth/step-up')
  t.equal(fieldValue((await browser.get(again.location!)).body, 'displayName'), 'Draft Across Step-Up', 'a new step-up brings the draft back')
})
