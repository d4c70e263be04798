import { createHash, randomBytes } from 'node:crypto'
import t, { type Test } from 'tap'
import { request, type Dispatcher } from 'undici'
import { createHttpAgent } from '../helpers/http.ts'
import { startTestTenant, type TestTenantOptions } from '../helpers/tenant.ts'
import { followAuthorize, type TenantCookieJar } from '../../../../harness/tenant-pages.ts'

// Issue 12, item 4 and 5: Entra's error codes and bodies, and its refresh token lifetimes.
// Codes and texts: Entra's AADSTS error reference (learn.microsoft.com/entra/identity-platform/reference-error-codes).

const redirectUri = 'http://localhost:3000/auth/redirect'
const signInScope = 'openid profile offline_access User.Read'

interface TokenAnswer { status: number; body: Record<string, unknown> }

async function tenantWithClient(t: Test, options: TestTenantOptions = {}) {
  const tenant = await startTestTenant(t, options)
  const agent: Dispatcher = createHttpAgent({ extraCaPem: [tenant.caCertificatePem] })
  t.teardown(() => agent.close())
  const bff = tenant.apps.bff
  const token = async (form: Record<string, string>): Promise<TokenAnswer> => {
    const response = await request(`${tenant.httpsOrigin}/${tenant.tenantId}/oauth2/v2.0/token`, {
      method: 'POST', dispatcher: agent, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString(),
    })
    return { status: response.statusCode, body: (await response.body.json()) as Record<string, unknown> }
  }
  const authorizeUrl = (scope: string, extra: Record<string, string> = {}) => {
    const verifier = randomBytes(32).toString('base64url')
    const url = new URL(`${tenant.httpOrigin}/${tenant.tenantId}/oauth2/v2.0/authorize`)
    const params = {
      client_id: bff.clientId, response_type: 'code', redirect_uri: redirectUri, scope, state: 's',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256', ...extra,
    }
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value)
    return { url: url.toString(), verifier }
  }
  const code = async (scope: string, jar?: TenantCookieJar) => {
    const { url, verifier } = authorizeUrl(scope)
    const { redirectUrl } = await followAuthorize(tenant, url, tenant.demoUser, jar)
    return { code: new URL(redirectUrl).searchParams.get('code')!, verifier }
  }
  const redeem = (issued: { code: string; verifier: string }, scope = signInScope) => token({
    grant_type: 'authorization_code', client_id: bff.clientId, client_secret: bff.clientSecret, code: issued.code,
    code_verifier: issued.verifier, redirect_uri: redirectUri, scope,
  })
  const refresh = (refreshToken: unknown, scope = 'User.Read') => token({
    grant_type: 'refresh_token', client_id: bff.clientId, client_secret: bff.clientSecret, refresh_token: String(refreshToken), scope,
  })
  return { tenant, agent, token, authorizeUrl, code, redeem, refresh }
}

function assertEntraError(t: Test, answer: TokenAnswer, status: number, error: string, code: number) {
  t.equal(answer.status, status)
  t.equal(answer.body.error, error)
  t.same(answer.body.error_codes, [code])
  t.match(answer.body.error_description, new RegExp(`^AADSTS${code}: .* Trace ID: [0-9a-f-]{36} Correlation ID: [0-9a-f-]{36} Timestamp: `))
  t.type(answer.body.trace_id, 'string')
  t.type(answer.body.correlation_id, 'string')
  t.type(answer.body.timestamp, 'string')
}

t.test('Entra error codes', async (t) => {
  const { tenant, token, authorizeUrl, code, redeem, refresh } = await tenantWithClient(t)
  const bff = tenant.apps.bff
  const service = tenant.apps.profileService

  t.test('scopes of two resources in a code redemption are AADSTS28000 invalid_scope', async (t) => {
    const issued = await code(`openid offline_access User.Read ${service.scope}`)
    assertEntraError(t, await redeem(issued, `openid offline_access User.Read ${service.scope}`), 400, 'invalid_scope', 28000)
  })

  t.test('an unregistered redirect URI is AADSTS50011 on an error page', async (t) => {
    const response = await request(authorizeUrl('openid', { redirect_uri: 'http://localhost:3000/other' }).url)
    t.equal(response.statusCode, 400)
    t.match(await response.body.text(), /AADSTS50011: The redirect URI &#x27;http:\/\/localhost:3000\/other&#x27; specified in the request does not match/)
  })

  t.test('an unknown client is AADSTS700016 unauthorized_client at the token endpoint', async (t) => {
    assertEntraError(t, await token({ grant_type: 'client_credentials', client_id: '11111111-1111-1111-1111-111111111111', client_secret: 'x', scope: 'https://graph.microsoft.com/.default' }), 400, 'unauthorized_client', 700016)
  })

  t.test('a wrong client secret is AADSTS7000215 invalid_client', async (t) => {
    assertEntraError(t, await token({ grant_type: 'client_credentials', client_id: bff.clientId, client_secret: 'wrong', scope: 'https://graph.microsoft.com/.default' }), 401, 'invalid_client', 7000215)
  })

  t.test('a code redeemed twice is AADSTS54005', async (t) => {
    const issued = await code(signInScope)
    t.equal((await redeem(issued)).status, 200)
    assertEntraError(t, await redeem(issued), 400, 'invalid_grant', 54005)
  })

  t.test('a code older than five minutes is AADSTS70008', async (t) => {
    const issued = await code(signInScope)
    tenant.testing.advanceClock(301)
    assertEntraError(t, await redeem(issued), 400, 'invalid_grant', 70008)
  })

  t.test('a revoked refresh token is AADSTS50173', async (t) => {
    const { refresh_token: refreshToken } = (await redeem(await code(signInScope))).body
    await tenant.testing.revokeSessions(tenant.demoUser.email)
    const answer = await refresh(refreshToken)
    assertEntraError(t, answer, 400, 'invalid_grant', 50173)
    t.equal(answer.body.suberror, 'bad_token')
  })

  t.test('a refresh token unused for 90 days is AADSTS700082', async (t) => {
    const { refresh_token: refreshToken } = (await redeem(await code(signInScope))).body
    tenant.testing.advanceClock(89 * 86_400)
    const used = await refresh(refreshToken)
    t.equal(used.status, 200, 'valid on day 89; using it slides the window for the new one')
    tenant.testing.advanceClock(89 * 86_400)
    t.equal((await refresh(used.body.refresh_token)).status, 200, 'the replacement is valid 89 days later')
    assertEntraError(t, await refresh(refreshToken), 400, 'invalid_grant', 700082)
  })

  t.test('a code for the MFA-protected service without fresh MFA is AADSTS50076 with claims', async (t) => {
    const jar: TenantCookieJar = new Map()
    await code(signInScope, jar)
    const { refresh_token: refreshToken } = (await redeem(await code(signInScope, jar))).body
    const answer = await refresh(refreshToken, service.scope)
    assertEntraError(t, answer, 400, 'invalid_grant', 50076)
    t.equal(answer.body.suberror, 'basic_action')
    t.match(JSON.parse(String(answer.body.claims)), { access_token: { capolids: { essential: true } } })
  })

  t.test('a scope the app was not granted is AADSTS65001 with consent_required', async (t) => {
    const { refresh_token: refreshToken } = (await redeem(await code(signInScope))).body
    const answer = await refresh(refreshToken, 'Mail.Read')
    assertEntraError(t, answer, 400, 'invalid_grant', 65001)
    t.equal(answer.body.suberror, 'consent_required')
  })
})

t.test('refresh tokens issued after an email one-time passcode live 24 hours, carried over on refresh', async (t) => {
  const { tenant, code, redeem, refresh } = await tenantWithClient(t)
  const scope = `openid offline_access ${tenant.apps.profileService.scope}`
  const first = await redeem(await code(scope), scope)
  t.equal(first.status, 200)
  tenant.testing.advanceClock(23 * 3600)
  const replaced = await refresh(first.body.refresh_token, tenant.apps.profileService.scope)
  t.equal(replaced.status, 200, 'valid after 23 hours')
  tenant.testing.advanceClock(3601)
  assertEntraError(t, await refresh(replaced.body.refresh_token, tenant.apps.profileService.scope), 400, 'invalid_grant', 700082)
})

t.test('signing out at the tenant leaves a confidential client’s refresh token valid, as in Entra', async (t) => {
  const { tenant, code, redeem, refresh } = await tenantWithClient(t)
  const jar: TenantCookieJar = new Map()
  const { refresh_token: refreshToken } = (await redeem(await code(signInScope, jar))).body
  const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ')
  const out = await request(`${tenant.httpOrigin}/${tenant.tenantId}/oauth2/v2.0/logout`, { headers: { cookie } })
  await out.body.dump()
  t.equal(out.statusCode, 200)
  t.equal((await refresh(refreshToken)).status, 200)
})

t.test('unknown routes answer in the OAuth error shape, and in Graph’s under /v1.0/', async (t) => {
  const { tenant, agent } = await tenantWithClient(t)
  const oauth = await request(`${tenant.httpsOrigin}/${tenant.tenantId}/oauth2/v2.0/devicecode`, { method: 'POST', dispatcher: agent })
  t.equal(oauth.statusCode, 404)
  const oauthBody = (await oauth.body.json()) as Record<string, unknown>
  t.equal(oauthBody.error, 'invalid_request')
  t.match(oauthBody.error_description, /^AADSTS90000: .*devicecode/)
  t.type(oauthBody.trace_id, 'string')

  const graph = await request(`${tenant.graphBaseUrl}/users`, { dispatcher: agent, headers: { 'client-request-id': 'abc-123' } })
  t.equal(graph.statusCode, 400)
  const graphBody = (await graph.body.json()) as { error: { code: string; message: string; innerError: Record<string, string> } }
  t.equal(graphBody.error.code, 'BadRequest')
  t.equal(graphBody.error.message, "Resource not found for the segment 'users'.")
  t.equal(graphBody.error.innerError['client-request-id'], 'abc-123')

  const page = await request(`${tenant.httpOrigin}/nothing-here`)
  t.equal(page.statusCode, 404)
  t.equal(((await page.body.json()) as Record<string, unknown>).error, 'invalid_request')
})

t.test('discovery lists only endpoints the tenant implements, and each answers', async (t) => {
  const { tenant, agent } = await tenantWithClient(t)
  const document = (await (await request(`${tenant.httpsOrigin}/${tenant.tenantId}/v2.0/.well-known/openid-configuration`, { dispatcher: agent })).body.json()) as Record<string, unknown>
  const endpoints = Object.entries(document).filter(([name]) => name.endsWith('_endpoint') || name === 'jwks_uri')
  t.same(endpoints.map(([name]) => name).sort(), ['authorization_endpoint', 'end_session_endpoint', 'jwks_uri', 'token_endpoint', 'userinfo_endpoint'])
  for (const [name, url] of endpoints) {
    const response = await request(String(url), { dispatcher: agent })
    t.not(response.statusCode, 404, `${name} exists`)
    await response.body.dump()
  }
  t.same(document.response_types_supported, ['code'])
  t.same(document.response_modes_supported, ['query', 'form_post'])
  t.notOk(JSON.stringify(document).includes('devicecode'))
})
