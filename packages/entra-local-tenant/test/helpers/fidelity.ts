import { createHash, randomBytes } from 'node:crypto'
import * as cheerio from 'cheerio'
import { decodeJwt, decodeProtectedHeader } from 'jose'
import type { Test } from 'tap'
import { request, type Dispatcher } from 'undici'
import type { LocalTenant } from '../../src/index.ts'
import { cookieHeader } from '../../../../harness/cookie-jar.ts'
import { followAuthorize, type TenantCookieJar } from '../../../../harness/tenant-pages.ts'
import { createHttpAgent } from './http.ts'

// Where clients written for real tenants met a tenant stricter or looser than Entra (issue 25,
// item 1), as checks any running tenant can be put through: the one tests start in-process
// (entra-fidelity.test.ts) and the one the packed tarball's CLI starts (packed-tarball.test.ts).
// Each behaviour's source is in docs/local-tenant.md's fidelity table.

/** What the checks need of a tenant: its addresses, the two apps, the demo user, its one-time codes. */
export type FidelityTenant = Pick<LocalTenant, 'httpsOrigin' | 'httpOrigin' | 'browserOrigin' | 'tenantId' | 'graphBaseUrl' | 'caCertificatePem' | 'demoUser' | 'apps' | 'testing'>

export const redirectUri = 'http://localhost:3000/auth/redirect'

export function checkEntraFidelity(t: Test, tenant: FidelityTenant) {
  const agent: Dispatcher = createHttpAgent({ extraCaPem: [tenant.caCertificatePem] })
  t.teardown(() => agent.close())
  const { bff, profileService: service } = tenant.apps
  const base = `${tenant.httpsOrigin}/${tenant.tenantId}`

  const token = async (form: Record<string, string>) => {
    const response = await request(`${base}/oauth2/v2.0/token`, {
      method: 'POST', dispatcher: agent, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString(),
    })
    return { status: response.statusCode, body: (await response.body.json()) as Record<string, string | number[]> }
  }
  const getJson = async (url: string, accessToken?: string) => {
    const response = await request(url, { dispatcher: agent, headers: accessToken ? { authorization: `Bearer ${accessToken}` } : {} })
    return { status: response.statusCode, body: (await response.body.json()) as Record<string, unknown> }
  }
  const authorizeUrl = (scope: string, pkce: Record<string, string>, extra: Record<string, string> = {}) => {
    const url = new URL(`${tenant.httpOrigin}/${tenant.tenantId}/oauth2/v2.0/authorize`)
    for (const [name, value] of Object.entries({ client_id: bff.clientId, response_type: 'code', redirect_uri: redirectUri, scope, state: 's', ...pkce, ...extra })) {
      url.searchParams.set(name, value)
    }
    return url.toString()
  }
  const s256 = () => {
    const verifier = randomBytes(32).toString('base64url')
    return { verifier, pkce: { code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256' } }
  }
  const signIn = async (scope: string, jar: TenantCookieJar = new Map()) => {
    const { verifier, pkce } = s256()
    const { redirectUrl } = await followAuthorize(tenant, authorizeUrl(scope, pkce), tenant.demoUser, jar)
    return { code: new URL(redirectUrl).searchParams.get('code') ?? '', verifier }
  }
  const redeem = (issued: { code: string; verifier: string }, scope: string) => token({
    grant_type: 'authorization_code', client_id: bff.clientId, client_secret: bff.clientSecret, code: issued.code, code_verifier: issued.verifier, redirect_uri: redirectUri, scope,
  })


  t.test('authorize takes scopes of two resources, and a refresh naming both gets a token for the first', async (t) => {
    const both = `openid profile offline_access User.Read ${service.scope}`
    const issued = await signIn(both)
    t.ok(issued.code, 'a code comes back for scopes of two resources')
    const redeemed = await redeem(issued, 'openid profile offline_access User.Read')
    t.equal(redeemed.status, 200)
    t.equal(decodeJwt(String(redeemed.body.access_token)).aud, 'https://graph.microsoft.com')
    const refreshed = await token({ grant_type: 'refresh_token', client_id: bff.clientId, client_secret: bff.clientSecret, refresh_token: String(redeemed.body.refresh_token), scope: `User.Read ${service.scope}` })
    t.equal(refreshed.status, 200)
    t.equal(decodeJwt(String(refreshed.body.access_token)).aud, 'https://graph.microsoft.com', "the first scope's resource")
    t.equal(refreshed.body.scope, 'User.Read', 'the scope names only that resource')
    const serviceFirst = await token({ grant_type: 'refresh_token', client_id: bff.clientId, client_secret: bff.clientSecret, refresh_token: String(refreshed.body.refresh_token), scope: `${service.scope} User.Read` })
    // The service's Conditional Access policy asks for MFA: the challenge is for the service, the first scope's resource.
    t.same(serviceFirst.body.error_codes, [50076])
    t.match(String(serviceFirst.body.error_description), service.scope.split('/EditProfileService')[0])
  })

  t.test('a refresh without scope is refused: Entra lists scope as required', async (t) => {
    const redeemed = await redeem(await signIn('openid offline_access User.Read'), 'openid offline_access User.Read')
    const answer = await token({ grant_type: 'refresh_token', client_id: bff.clientId, client_secret: bff.clientSecret, refresh_token: String(redeemed.body.refresh_token) })
    t.equal(answer.status, 400)
    t.same(answer.body.error_codes, [900144])
  })

  t.test('access tokens say typ JWT in their header, like every Entra token', async (t) => {
    const redeemed = await redeem(await signIn(`openid offline_access ${service.scope}`), `openid offline_access ${service.scope}`)
    t.equal(decodeProtectedHeader(String(redeemed.body.access_token)).typ, 'JWT')
    t.equal(decodeProtectedHeader(String(redeemed.body.id_token)).typ, 'JWT')
  })

  t.test('the v2 discovery document lists userinfo and no code_challenge_methods_supported', async (t) => {
    const { status, body } = await getJson(`${base}/v2.0/.well-known/openid-configuration`)
    t.equal(status, 200)
    t.equal(body.userinfo_endpoint, `${tenant.httpsOrigin}/oidc/userinfo`)
    t.notOk('code_challenge_methods_supported' in body)
  })

  t.test('the v1 discovery document (no /v2.0) names an end-session endpoint that signs out', async (t) => {
    const { status, body } = await getJson(`${base}/.well-known/openid-configuration`)
    t.equal(status, 200)
    t.equal(body.end_session_endpoint, `${tenant.browserOrigin}/${tenant.tenantId}/oauth2/logout`)
    t.equal((await getJson(String(body.jwks_uri))).status, 200, 'its keys are served')
    const jar: TenantCookieJar = new Map()
    await signIn('openid User.Read', jar)
    const logout = await request(`${String(body.end_session_endpoint)}?post_logout_redirect_uri=${encodeURIComponent('http://localhost:3000/')}`, { headers: { cookie: cookieHeader(jar) } })
    await logout.body.dump()
    t.ok([200, 302].includes(logout.statusCode))
    t.match(String(logout.headers['set-cookie']), /lt_session=;/, 'the tenant session cookie is cleared')
  })

  t.test('userinfo answers a delegated Graph token with the ID token subject', async (t) => {
    const redeemed = await redeem(await signIn('openid profile User.Read'), 'openid profile User.Read')
    const { status, body } = await getJson(`${tenant.httpsOrigin}/oidc/userinfo`, String(redeemed.body.access_token))
    t.equal(status, 200)
    t.equal(body.sub, decodeJwt(String(redeemed.body.id_token)).sub)
    t.equal(body.name, tenant.demoUser.displayName)
  })

  t.test('an app-only Graph token is v1 with roles and no scp, its Graph accepts it and refuses /me', async (t) => {
    const answer = await token({ grant_type: 'client_credentials', client_id: service.clientId, client_secret: service.clientSecret, scope: 'https://graph.microsoft.com/.default' })
    t.equal(answer.status, 200)
    const accessToken = String(answer.body.access_token)
    const claims = decodeJwt(accessToken)
    t.equal(claims.iss, `https://sts.windows.net/${tenant.tenantId}/`)
    t.equal(claims.aud, 'https://graph.microsoft.com')
    t.equal(claims.ver, '1.0')
    t.notOk('scp' in claims)
    t.ok(Array.isArray(claims.roles))
    const me = await getJson(`${tenant.graphBaseUrl}/me`, accessToken)
    t.equal(me.status, 400, 'Graph refuses /me with an app-only token')
    const user = await getJson(`${tenant.graphBaseUrl}/users/${encodeURIComponent(tenant.demoUser.email)}`, accessToken)
    t.equal(user.status, 403, 'not without User.Read.All')
  })

  t.test('PKCE plain (and a challenge without method, plain by default) is accepted', async (t) => {
    const verifier = randomBytes(48).toString('base64url')
    for (const pkce of [{ code_challenge: verifier, code_challenge_method: 'plain' }, { code_challenge: verifier }] as Record<string, string>[]) {
      const { redirectUrl } = await followAuthorize(tenant, authorizeUrl('openid User.Read', pkce), tenant.demoUser, new Map())
      const answer = await redeem({ code: new URL(redirectUrl).searchParams.get('code') ?? '', verifier }, 'openid User.Read')
      t.equal(answer.status, 200)
    }
  })

  t.test('a code verifier outside RFC 7636 (43-128 unreserved characters) is refused', async (t) => {
    const verifier = `${'a'.repeat(43)} !`
    const pkce = { code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256' }
    const { redirectUrl } = await followAuthorize(tenant, authorizeUrl('openid User.Read', pkce), tenant.demoUser, new Map())
    const answer = await redeem({ code: new URL(redirectUrl).searchParams.get('code') ?? '', verifier }, 'openid User.Read')
    t.equal(answer.status, 400)
    t.equal(answer.body.error, 'invalid_grant')
  })

  t.test('redirect URIs with userinfo, port 0 or a newline match nothing', async (t) => {
    for (const uri of ['http://user@localhost:3000/auth/redirect', 'http://localhost:0/auth/redirect', 'http://localhost:3000/auth/\nredirect']) {
      const response = await request(authorizeUrl('openid', s256().pkce, { redirect_uri: uri }))
      const page = await response.body.text()
      t.equal(response.statusCode, 400, JSON.stringify(uri))
      t.match(cheerio.load(page)('body').text(), /AADSTS50011/)
    }
  })

  t.test('prompt=select_account shows the account picker and keeps single sign-on', async (t) => {
    const jar: TenantCookieJar = new Map()
    await signIn('openid User.Read', jar)
    const { verifier, pkce } = s256()
    const cookie = () => cookieHeader(jar)
    const picker = await request(authorizeUrl('openid User.Read', pkce, { prompt: 'select_account' }), { headers: { cookie: cookie() } })
    const $ = cheerio.load(await picker.body.text())
    t.equal(picker.statusCode, 200)
    t.match($('h1').text(), /Pick an account/)
    t.match($('button[value="current"]').text(), tenant.demoUser.email)
    const chosen = await request(`${tenant.httpOrigin}/login/select-account`, {
      method: 'POST', headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ interaction: String($('input[name="interaction"]').val()), account: 'current' }).toString(),
    })
    await chosen.body.dump()
    t.equal(chosen.statusCode, 302, 'no password asked: straight back to the app')
    const code = new URL(String(chosen.headers.location)).searchParams.get('code')
    t.equal((await redeem({ code: code ?? '', verifier }, 'openid User.Read')).status, 200)
  })
}
