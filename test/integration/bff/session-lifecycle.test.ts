import t from 'tap'
import { request } from 'undici'
import { BffBrowser, cardField, signInButton, startTestStack } from '../../helpers/bff.ts'
import { cookieHeader, keepCookies } from '../../../harness/cookie-jar.ts'
import { attribute, attributes, count, fieldValue, parseHtml, text } from '../../../harness/html.ts'
import { twoReplicasOnTestRedis } from '../../helpers/replicas.ts'
import { renewTokensAtEveryRequest } from '../../helpers/local-tenant.ts'

// Sessions that end from elsewhere: revoked refresh tokens, CAE revocation, the tenant's
// front-channel logout and "Sign out of every device" — real msal, tenant, service and Redis.

const htmx = { htmx: true }
const endedSentence = /Your session has ended, so you were signed out\. Sign in again to continue; anything you typed is kept\./

async function steppedUp(browser: BffBrowser) {
  await browser.signIn()
  await browser.get('/profile/editor', htmx)
  const landing = await browser.authorize('/auth/step-up')
  await browser.get(landing.location!)
}

/** The tenant's logout page as the user's browser gets it: the front-channel iframes it renders. */
async function tenantLogout(browser: BffBrowser): Promise<{ status: number; frames: string[]; csp: string }> {
  const { tenant } = browser
  const response = await request(`${tenant.browserOrigin}/${tenant.tenantId}/oauth2/v2.0/logout`, { headers: { cookie: cookieHeader(browser.tenantJar) } })
  keepCookies(browser.tenantJar, response.headers['set-cookie'])
  const html = await response.body.text()
  const frames = attributes(html, 'iframe', 'src')
  return { status: response.statusCode, frames, csp: String(response.headers['content-security-policy']) }
}

/** A claim's value on the /claims page: the row whose header names it. */
function claimValue(html: string, name: string): string | undefined {
  const $ = parseHtml(html)
  const row = $('table.claims tbody tr').filter((_, tr) => $(tr).find('th').text().trim() === name)
  return row.length ? row.find('td').text().trim() : undefined
}

t.test('a revoked refresh token signs the session out: the next page shows Sign In and why, and the draft survives the new sign-in', async (t) => {
  // 200 s tokens are already "expiring" for msal, so every call goes to the refresh token.
  const stack = await startTestStack(t, { tenant: { editTenant: renewTokensAtEveryRequest } })
  const browser = new BffBrowser(stack.url, stack.tenant)
  await browser.signIn()
  await browser.get('/profile')
  const challenged = await browser.send('PATCH', '/profile', { ...htmx, form: { displayName: 'Typed Before Revocation', givenName: '', surname: '' } })
  t.equal(challenged.status, 401, 'step-up asked; the draft is kept server-side')
  await stack.tenant.testing.revokeSessions(stack.tenant.demoUser.email)
  browser.tenantJar.clear()

  const page = await browser.get('/profile')
  t.equal(page.status, 302)
  t.equal(page.location, '/', 'the page goes home')
  const home = await browser.get('/')
  t.equal(text(home.body, signInButton), 'Sign In')
  t.not(text(home.body, 'main h1'), 'Hi Demo User')
  t.match(home.body, endedSentence, 'one sentence says why')
  t.equal(attribute(home.body, signInButton, 'href'), '/auth/sign-in?returnTo=%2Fprofile%3Fedit%3D1', 'Sign In returns to the editor')
  t.notMatch((await browser.get('/')).body, endedSentence, 'said once')
  t.match((await browser.get('/profile/editor', htmx)).headers['hx-redirect'], /^\/auth\/sign-in\?returnTo=/, 'no longer signed in')

  await browser.authorize('/auth/sign-in?returnTo=%2Fprofile%3Fedit%3D1')
  await browser.authorize('/auth/step-up')
  const editor = await browser.get('/profile?edit=1')
  t.equal(fieldValue(editor.body, 'displayName'), 'Typed Before Revocation', 'the draft is back after signing in again')
})

t.test('an htmx request of a session that can no longer get tokens gets HX-Redirect to sign in with returnTo', async (t) => {
  const stack = await startTestStack(t, { tenant: { editTenant: renewTokensAtEveryRequest } })
  const browser = new BffBrowser(stack.url, stack.tenant)
  await browser.signIn()
  await stack.tenant.testing.revokeSessions(stack.tenant.demoUser.email)
  const fragment = await browser.send('GET', '/profile/editor', { ...htmx, headers: { 'hx-current-url': `${stack.url}/profile` } })
  t.equal(fragment.status, 401)
  t.equal(fragment.headers['hx-redirect'], '/auth/sign-in?returnTo=%2Fprofile')
  t.match(fragment.body, /Your session has ended/)
  t.equal(text((await browser.get('/')).body, signInButton), 'Sign In', 'signed out')
})

t.test('CAE: after the user\'s sessions are revoked, Graph answers a claims challenge and the next page leads to sign-in, not a 502', async (t) => {
  const stack = await startTestStack(t)
  const browser = new BffBrowser(stack.url, stack.tenant)
  await browser.signIn()
  t.equal((await browser.get('/profile')).status, 200, 'an hour-long Graph token is in hand')
  await stack.tenant.testing.revokeSessions(stack.tenant.demoUser.email)

  const page = await browser.get('/profile')
  t.equal(page.status, 302, 'not a 502')
  t.equal(page.location, '/')
  const home = await browser.get('/')
  t.equal(text(home.body, signInButton), 'Sign In')
  t.match(home.body, endedSentence)
  const again = await browser.authorize('/auth/sign-in?returnTo=%2Fprofile')
  t.equal(again.location, '/profile')
  t.equal(text((await browser.get('/profile')).body, `${cardField('displayName')}[dir="auto"]`), 'Demo User', 'signed in again, Graph answers')
})

t.test('a user an admin disabled is signed out at the next page (CAE challenge, then AADSTS50057 on refresh), not shown a 500', async (t) => {
  const stack = await startTestStack(t)
  const browser = new BffBrowser(stack.url, stack.tenant)
  await browser.signIn()
  t.equal((await browser.get('/profile')).status, 200)
  await stack.tenant.testing.disableUser(stack.tenant.demoUser.email)
  const page = await browser.get('/profile')
  t.equal(page.status, 302)
  t.equal(page.location, '/')
  const home = await browser.get('/')
  t.equal(text(home.body, signInButton), 'Sign In')
  t.match(home.body, endedSentence)
})

t.test('CAE on save: the service relays the revocation challenge, the save asks for sign-in and keeps the draft', async (t) => {
  const stack = await startTestStack(t)
  const browser = new BffBrowser(stack.url, stack.tenant)
  await steppedUp(browser)
  await stack.tenant.testing.revokeSessions(stack.tenant.demoUser.email)
  browser.tenantJar.clear()

  const save = await browser.send('PATCH', '/profile', { ...htmx, form: { displayName: 'Typed After Revocation', givenName: '', surname: '' }, headers: { 'hx-source': 'form#profile-editor' } })
  t.equal(save.status, 401, 'not a 502')
  t.equal(save.headers['hx-redirect'], '/auth/sign-in?returnTo=%2Fprofile%3Fedit%3D1')
  t.equal(text((await browser.get('/')).body, signInButton), 'Sign In')
  await browser.authorize('/auth/sign-in?returnTo=%2Fprofile%3Fedit%3D1')
  await browser.authorize('/auth/step-up')
  t.equal(fieldValue((await browser.get('/profile?edit=1')).body, 'displayName'), 'Typed After Revocation', 'the draft is back')
})

t.test('front-channel logout: the tenant\'s logout page frames the BFF with the sid, which ends the session on both replicas', async (t) => {
  const stack = await twoReplicasOnTestRedis(t)
  if (!stack) return
  const { tenant, a, onA, onB } = stack
  tenant.testing.registerRedirectUris(tenant.apps.bff.clientId, { frontChannelLogoutUrl: `${a.url}/auth/front-channel-logout` })
  await onA.signIn()
  t.equal(text((await onB.get('/')).body, 'main h1'), 'Hi Demo User', 'B serves the session too')

  const logout = await tenantLogout(onA)
  t.equal(logout.status, 200)
  t.equal(logout.frames.length, 1, 'one app signed in under this tenant session')
  const frame = new URL(logout.frames[0])
  t.equal(`${frame.origin}${frame.pathname}`, `${a.url}/auth/front-channel-logout`)
  t.match(frame.searchParams.get('sid'), /^[0-9a-f-]{36}$/, 'sid only, a GUID')
  t.match(logout.csp, new RegExp(`frame-src ${a.url}`), 'the logout page may frame the app, nothing else')
  t.match(logout.csp, /script-src 'nonce-/, 'and its CSP stays nonce-based')

  // The iframe is cross-site: no session cookie comes with it.
  const framed = await request(logout.frames[0])
  const body = await framed.body.text()
  t.equal(framed.statusCode, 200)
  t.match(body, /Signed out/)
  t.equal(framed.headers['cache-control'], 'no-store')
  t.match(String(framed.headers['content-security-policy']), new RegExp(`frame-ancestors ${tenant.browserOrigin}`))
  t.notOk(framed.headers['x-frame-options'], 'no X-Frame-Options to contradict frame-ancestors')

  t.equal(text((await onA.get('/')).body, signInButton), 'Sign In', 'A: signed out')
  t.equal(text((await onB.get('/')).body, signInButton), 'Sign In', 'B: signed out')
  t.equal((await onB.get('/profile')).location, '/auth/sign-in?returnTo=%2Fprofile')
})

t.test('front-channel logout refuses an iss that is not the tenant\'s and ends nothing', async (t) => {
  const stack = await startTestStack(t)
  const browser = new BffBrowser(stack.url, stack.tenant)
  await browser.signIn()
  const claims = (await browser.get('/claims')).body
  const sid = claimValue(claims, 'sid')
  t.ok(sid, 'the ID token carries sid')
  const foreign = await request(`${stack.url}/auth/front-channel-logout?sid=${sid}&iss=${encodeURIComponent('https://evil.example/v2.0')}`)
  await foreign.body.text()
  t.equal(foreign.statusCode, 400)
  t.equal(text((await browser.get('/')).body, 'main h1'), 'Hi Demo User', 'still signed in')
  const unknown = await request(`${stack.url}/auth/front-channel-logout?sid=00000000-0000-0000-0000-000000000000`)
  await unknown.body.text()
  t.equal(unknown.statusCode, 200, 'an unknown sid answers the same')
  const right = await request(`${stack.url}/auth/front-channel-logout?sid=${sid}&iss=${encodeURIComponent(stack.tenant.issuer)}`)
  await right.body.text()
  t.equal(right.statusCode, 200)
  t.equal(text((await browser.get('/')).body, signInButton), 'Sign In', 'the tenant\'s own iss is accepted')
})

t.test('sign out of every device ends the user\'s sessions in two browsers and signs out at the tenant', async (t) => {
  const stack = await startTestStack(t)
  const laptop = new BffBrowser(stack.url, stack.tenant)
  const phone = new BffBrowser(stack.url, stack.tenant)
  await laptop.signIn()
  await phone.signIn()
  const profile = await laptop.get('/profile')
  t.equal(count(profile.body, 'form[method="post"][action="/auth/sign-out-everywhere"]'), 1)
  t.match(profile.body, /Sign out of every device/)
  t.equal((await laptop.send('POST', '/auth/sign-out-everywhere', { form: { _csrf: 'wrong' }, csrf: false })).status, 403, 'CSRF-checked')
  const out = await laptop.send('POST', '/auth/sign-out-everywhere', { form: { _csrf: laptop.lastCsrf! } })
  t.equal(out.status, 303)
  t.match(out.location, new RegExp(`^${stack.tenant.browserOrigin}/${stack.tenant.tenantId}/oauth2/v2\\.0/logout\\?post_logout_redirect_uri=`))
  t.equal(text((await laptop.get('/')).body, signInButton), 'Sign In', 'this browser')
  t.equal(text((await phone.get('/')).body, signInButton), 'Sign In', 'the other browser')
})
