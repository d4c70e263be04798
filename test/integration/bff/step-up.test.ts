import t from 'tap'
import { BffBrowser, startTestStack } from '../../helpers/bff.ts'
import { fieldValue } from '../../../harness/html.ts'
import { followAuthorize } from '../../../harness/tenant-pages.ts'

// What the BFF accepts as the end of a step-up, and what it does when the step-up fails.

const htmx = { htmx: true }
const otherUser = { email: 'other@contoso.test', password: 'Other-Passw0rd!' }

t.test('a step-up that comes back without a second factor is refused', async (t) => {
  // Without the Conditional Access policy the tenant asks for no MFA: the ID token's amr is only "pwd".
  const stack = await startTestStack(t, { tenant: { editTenant: (tenant) => { tenant.policies = [] } } })
  const browser = new BffBrowser(stack.url, stack.tenant)
  await browser.signIn()
  const back = await browser.authorize('/auth/step-up')
  t.equal(back.status, 403)
  t.match(back.body, /did not include a second factor/)
  t.equal(stack.tenant.testing.lastCode(stack.tenant.demoUser.email), undefined, 'no code was mailed')
})

t.test('a step-up cancelled at the tenant returns to the profile with the draft kept', async (t) => {
  const stack = await startTestStack(t)
  const browser = new BffBrowser(stack.url, stack.tenant)
  await browser.signIn()
  await browser.get('/profile')
  t.equal((await browser.send('PATCH', '/profile', { ...htmx, form: { displayName: 'Typed Then Cancelled', givenName: '', surname: '' } })).status, 401)
  const start = await browser.get('/auth/step-up')
  const state = new URL(start.location!).searchParams.get('state')!
  const back = await browser.get(`/auth/redirect?error=access_denied&error_description=The+user+cancelled&state=${state}`)
  t.equal(back.status, 302)
  t.equal(back.location, '/profile')
  const page = await browser.get('/profile')
  t.match(page.body, /Verification was not completed\. Your changes are kept/)
  const editor = await browser.get('/profile?edit=1')
  t.match(editor.body, /Verify it's you/, 'editing still needs the step-up')
  const verified = await browser.authorize('/auth/step-up')
  t.equal(fieldValue((await browser.get(verified.location!)).body, 'displayName'), 'Typed Then Cancelled', 'a later step-up restores the draft')
})

t.test('a step-up completed by a different account ends the session', async (t) => {
  const stack = await startTestStack(t, {
    tenant: { editTenant: (tenant) => { tenant.users.push({ id: '0b6f0c55-8d3e-4a41-9a57-3c0f6d2f8e11', displayName: 'Other User', givenName: 'Other', surname: 'User', ...otherUser }) } },
  })
  const browser = new BffBrowser(stack.url, stack.tenant)
  await browser.signIn()
  const authorize = new URL((await browser.get('/auth/step-up')).location!)
  authorize.searchParams.delete('login_hint') // as a user choosing "another account" on the tenant's page
  const { redirectUrl } = await followAuthorize(stack.tenant, authorize.toString(), otherUser)
  const back = await browser.get(redirectUrl)
  t.equal(back.status, 403)
  t.match(back.body, /different account/)
  const profile = await browser.get('/profile')
  t.equal(profile.status, 302, 'signed out')
  t.match(profile.location, /^\/auth\/sign-in/)
})
