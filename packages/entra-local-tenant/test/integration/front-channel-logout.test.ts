import t from 'tap'
import { request } from 'undici'
import { attribute, attributes } from '../../../../harness/html.ts'
import { startTestTenant } from '../helpers/tenant.ts'
import { msalClientFor, signInWithCode } from '../../../../harness/msal-client.ts'

// The tenant's half of front-channel logout, as Entra does it: ID tokens carry `sid`; the logout
// page (GET or POST) frames each signed-in app's registered front-channel logout URL with
// `?sid=` only, then continues to the post-logout redirect.

const frontChannelLogoutUrl = 'http://localhost:3999/auth/front-channel-logout'

t.test('POST logout frames the app with the sid of its ID token, then continues to the post-logout URI', async (t) => {
  const tenant = await startTestTenant(t)
  tenant.testing.registerRedirectUris(tenant.apps.bff.clientId, { frontChannelLogoutUrl })
  const client = msalClientFor(tenant, { clientId: tenant.apps.bff.clientId, clientSecret: tenant.apps.bff.clientSecret })
  const { result, jar } = await signInWithCode(tenant, client, tenant.demoUser, { scopes: ['openid', 'profile', 'offline_access', 'User.Read'] })
  const sid = (result.idTokenClaims as { sid?: string }).sid
  t.match(sid, /^[0-9a-f-]{36}$/, 'the ID token carries sid, a GUID')
  t.notOk([...jar.values()].includes(sid!), 'not the tenant cookie: the sid is public')

  const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ')
  const page = await request(`${tenant.httpOrigin}/${tenant.tenantId}/oauth2/v2.0/logout`, {
    method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ post_logout_redirect_uri: 'http://localhost:3000/', state: 'after-logout' }).toString(),
  })
  const html = await page.body.text()
  t.equal(page.statusCode, 200)
  t.equal(page.headers['cache-control'], 'no-store')
  const frames = attributes(html, 'iframe', 'src')
  t.same(frames, [`${frontChannelLogoutUrl}?sid=${sid}`], 'one iframe: the front-channel URL with sid only')
  t.equal(attribute(html, 'a#continue', 'href'), 'http://localhost:3000/?state=after-logout', 'then on to the post-logout URI, with state')
  const csp = String(page.headers['content-security-policy'])
  t.match(csp, /frame-src http:\/\/localhost:3999(;|$)/, 'frames only the app origins')
  t.match(csp, /script-src 'nonce-[\w-]+'/)
  t.match(csp, /frame-ancestors 'none'/)
  const nonce = csp.match(/script-src 'nonce-([\w-]+)'/)![1]
  t.same(attributes(html, 'script', 'nonce'), [nonce], 'the continuing script runs under the page nonce')

  const again = await request(`${tenant.httpOrigin}/${tenant.tenantId}/oauth2/v2.0/logout?post_logout_redirect_uri=${encodeURIComponent('http://localhost:3000/')}`, { headers: { cookie } })
  await again.body.dump()
  t.equal(again.statusCode, 302, 'the tenant session is gone: nothing left to frame, straight back')
})
