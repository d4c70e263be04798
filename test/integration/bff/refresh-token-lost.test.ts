import t from 'tap'
import { BffBrowser, startTestStack } from '../../helpers/bff.ts'
import { fieldValue } from '../../../harness/html.ts'
import { renewTokensAtEveryRequest } from '../../helpers/local-tenant.ts'

t.test('when the refresh token is revoked, the user is asked to sign in again and the draft survives', async (t) => {
  // 200 s tokens are already "expiring" for msal, so every call goes to the refresh token.
  const stack = await startTestStack(t, { tenant: { editTenant: renewTokensAtEveryRequest } })
  const browser = new BffBrowser(stack.url, stack.tenant)
  await browser.signIn()
  await browser.get('/profile')
  const challenged = await browser.send('PATCH', '/profile', { htmx: true, form: { displayName: 'Draft Before Revocation', givenName: '', surname: '' } })
  t.equal(challenged.status, 401, 'step-up asked; the draft is now kept server-side')

  // An admin revokes the user's sessions (Entra: refresh tokens answer AADSTS50173). A sign-out
  // at the tenant would not do: Entra keeps confidential clients' refresh tokens alive after it.
  await stack.tenant.testing.revokeSessions(stack.tenant.demoUser.email)
  browser.tenantJar.clear()

  const fragment = await browser.get('/profile/editor', { htmx: true })
  t.equal(fragment.status, 401)
  t.match(fragment.body, /Your session has ended\. Sign in again; your changes are kept\./)
  const page = await browser.get('/profile')
  t.equal(page.status, 302)
  t.match(page.location, /^\/auth\/sign-in/)

  await browser.authorize(page.location!)
  await browser.authorize('/auth/step-up')
  const editor = await browser.get('/profile?edit=1')
  t.equal(fieldValue(editor.body, 'displayName'), 'Draft Before Revocation', 'the draft is back after signing in again')
})
