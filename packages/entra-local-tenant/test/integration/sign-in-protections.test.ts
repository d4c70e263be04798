import { createHash, randomBytes } from 'node:crypto'
import t from 'tap'
import type { LocalTenant } from '../../src/index.ts'
import { attributes, text } from '../../../../harness/html.ts'
import { startTestTenant } from '../helpers/tenant.ts'
import { TenantBrowser, type TenantPage } from '../helpers/tenant-browser.ts'

// Issue 11, finding 8: the tenant's pages are not frameable, one-time codes are limited and
// bound to the sign-in they were sent for, sign-up applies Entra's password rules, and five
// wrong passwords lock the account for five minutes.

const redirectUri = 'http://localhost:3000/auth/redirect'
const alertOf = (page: TenantPage) => text(page.html, '[role="alert"]')

function authorizeUrl(tenant: LocalTenant, scope: string, extra: Record<string, string> = {}) {
  const url = new URL(`${tenant.httpOrigin}/${tenant.tenantId}/oauth2/v2.0/authorize`)
  const params = {
    client_id: tenant.apps.bff.clientId, response_type: 'code', redirect_uri: redirectUri, scope, state: 's',
    code_challenge: createHash('sha256').update(randomBytes(32).toString('base64url')).digest('base64url'), code_challenge_method: 'S256', ...extra,
  }
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value)
  return url.toString()
}

/** A browser signed in with a password and now on the code page of a step-up for the service. */
async function onCodePage(tenant: LocalTenant): Promise<TenantBrowser> {
  const browser = new TenantBrowser(tenant.httpOrigin)
  await browser.open(authorizeUrl(tenant, `openid ${tenant.apps.profileService.scope}`))
  await browser.post('/login/email', { email: tenant.demoUser.email })
  const page = await browser.post('/login/password', { password: tenant.demoUser.password })
  if (!page.html.includes('Enter code')) throw new Error(`expected the code page, got ${page.status}`)
  return browser
}

t.test('pages send a CSP that forbids framing, with a nonce for their own style', async (t) => {
  const tenant = await startTestTenant(t)
  const page = await new TenantBrowser(tenant.httpOrigin).open(authorizeUrl(tenant, 'openid User.Read'))
  t.equal(page.status, 200)
  const csp = String(page.headers['content-security-policy'])
  t.match(csp, /frame-ancestors 'none'/)
  t.match(csp, /default-src 'none'/)
  const nonce = csp.match(/style-src 'nonce-([^']+)'/)?.[1]
  t.ok(nonce, 'style-src carries a nonce')
  t.same(attributes(page.html, 'style', 'nonce'), [nonce], 'the page’s style carries the same nonce')
  t.equal(page.headers['x-frame-options'], 'DENY')
})

t.test('the form_post page’s script carries the response’s nonce', async (t) => {
  const tenant = await startTestTenant(t)
  const browser = new TenantBrowser(tenant.httpOrigin)
  await browser.open(authorizeUrl(tenant, 'openid User.Read', { response_mode: 'form_post' }))
  await browser.post('/login/email', { email: tenant.demoUser.email })
  const page = await browser.post('/login/password', { password: tenant.demoUser.password })
  const nonce = String(page.headers['content-security-policy']).match(/script-src 'nonce-([^']+)'/)?.[1]
  t.ok(nonce)
  t.same(attributes(page.html, 'script', 'nonce'), [nonce])
})

t.test('a pending sign-in may ask for three new codes, then gets 429 and no more mail', async (t) => {
  const tenant = await startTestTenant(t)
  const browser = await onCodePage(tenant)
  for (let resend = 1; resend <= 3; resend++) t.equal((await browser.post('/login/mfa/resend')).status, 200, `resend ${resend}`)
  const lastSent = tenant.testing.lastCode(tenant.demoUser.email)
  const refused = await browser.post('/login/mfa/resend')
  t.equal(refused.status, 429)
  t.match(alertOf(refused), /too many codes/)
  t.equal(tenant.testing.lastCode(tenant.demoUser.email), lastSent, 'no new code was mailed')
  const verified = await browser.post('/login/mfa', { code: lastSent! })
  t.equal(verified.status, 302, 'the last code sent still works')
})

t.test('one address gets at most ten codes an hour across sign-ins, then again after the hour', async (t) => {
  const tenant = await startTestTenant(t, { editTenant: (file) => (file.settings.oneTimeCodesPerHour = 10) })
  for (let signIn = 0; signIn < 2; signIn++) {
    const browser = await onCodePage(tenant)
    for (let resend = 0; resend < 3; resend++) await browser.post('/login/mfa/resend')
  }
  const third = await onCodePage(tenant)
  t.equal((await third.post('/login/mfa/resend')).status, 200, 'the tenth code of the hour')
  const refused = await third.post('/login/mfa/resend')
  t.equal(refused.status, 429)
  tenant.testing.advanceClock(3601)
  const later = await onCodePage(tenant)
  t.equal((await later.post('/login/mfa/resend')).status, 200, 'an hour later codes are sent again')
})

t.test('a code sent to another browser’s sign-in neither replaces nor unlocks this one', async (t) => {
  const tenant = await startTestTenant(t)
  const first = await onCodePage(tenant)
  const firstCode = tenant.testing.lastCode(tenant.demoUser.email)!
  const second = await onCodePage(tenant)
  await second.post('/login/mfa/resend')
  const secondCode = tenant.testing.lastCode(tenant.demoUser.email)!
  if (secondCode !== firstCode) {
    const crossed = await first.post('/login/mfa', { code: secondCode })
    t.equal(crossed.status, 400, 'the other sign-in’s code is refused here')
  }
  const own = await first.post('/login/mfa', { code: firstCode })
  t.equal(own.status, 302, 'this sign-in’s own code still works after the other browser’s resend')
  t.match(String(own.location), /[?&]code=/)
})

t.test('sign-up refuses passwords outside Entra’s rules and accepts one within them', async (t) => {
  const tenant = await startTestTenant(t)
  const browser = new TenantBrowser(tenant.httpOrigin)
  await browser.open(authorizeUrl(tenant, 'openid User.Read', { prompt: 'create' }))
  await browser.post('/login/signup/email', { email: 'new.user@contoso.test' })
  await browser.post('/login/signup/code', { code: tenant.testing.lastCode('new.user@contoso.test')! })
  const cases: [string, RegExp][] = [
    ['passw0rd', /at least three of/],
    ['Sh0rt!', /between 8 and 256 characters/],
    ['PASSWORD-ONLY', /at least three of/],
    [`Aa1!${'x'.repeat(253)}`, /between 8 and 256 characters/],
  ]
  for (const [password, message] of cases) {
    const page = await browser.post('/login/signup/details', { password, displayName: 'New User' })
    t.equal(page.status, 400, password.slice(0, 16))
    t.match(alertOf(page), message)
  }
  const created = await browser.post('/login/signup/details', { password: 'passw0rd!', displayName: 'New User' })
  t.equal(created.status, 302, 'lowercase, digit and symbol: three classes')
})

t.test('five wrong passwords lock the account for five minutes, for every browser', async (t) => {
  const tenant = await startTestTenant(t)
  const attacker = new TenantBrowser(tenant.httpOrigin)
  await attacker.open(authorizeUrl(tenant, 'openid User.Read'))
  await attacker.post('/login/email', { email: tenant.demoUser.email })
  for (let attempt = 0; attempt < 5; attempt++) await attacker.post('/login/password', { password: 'not-it' })

  const owner = new TenantBrowser(tenant.httpOrigin)
  await owner.open(authorizeUrl(tenant, 'openid User.Read'))
  await owner.post('/login/email', { email: tenant.demoUser.email })
  const locked = await owner.post('/login/password', { password: tenant.demoUser.password })
  t.equal(locked.status, 400)
  t.match(alertOf(locked), /temporarily locked/)

  tenant.testing.advanceClock(299)
  t.match(alertOf(await owner.post('/login/password', { password: tenant.demoUser.password })), /temporarily locked/, 'still locked at 4:59')
  tenant.testing.advanceClock(2)
  const after = await owner.post('/login/password', { password: tenant.demoUser.password })
  t.equal(after.status, 302, 'the right password works after five minutes')
})
