import { createHash, randomBytes } from 'node:crypto'
import { generateKeyPair, SignJWT } from 'jose'
import t from 'tap'
import { request, type Dispatcher } from 'undici'
import { createHttpAgent } from '../helpers/http.ts'
import { startTestTenant } from '../helpers/tenant.ts'
import { followAuthorize } from '../../../../harness/tenant-pages.ts'

// Every endpoint refuses malformed and hostile requests with OAuth's (or Graph's) error format.

const redirectUri = 'http://localhost:3000/auth/redirect'

t.test('hostile input', async (t) => {
  const tenant = await startTestTenant(t)
  const agent: Dispatcher = createHttpAgent({ extraCaPem: [tenant.caCertificatePem] })
  t.teardown(() => agent.close())
  const tokenUrl = `${tenant.httpsOrigin}/${tenant.tenantId}/oauth2/v2.0/token`
  const bff = tenant.apps.bff

  async function token(form: Record<string, string>, headers: Record<string, string> = {}) {
    const response = await request(tokenUrl, {
      method: 'POST', dispatcher: agent,
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(form).toString(),
    })
    return { status: response.statusCode, body: (await response.body.json()) as Record<string, unknown> }
  }

  async function authorizeUrl(extra: Record<string, string> = {}) {
    const verifier = randomBytes(32).toString('base64url')
    const url = new URL(`${tenant.httpOrigin}/${tenant.tenantId}/oauth2/v2.0/authorize`)
    const params = {
      client_id: bff.clientId, response_type: 'code', redirect_uri: redirectUri, scope: 'openid profile offline_access User.Read',
      state: 's1', nonce: 'n1', code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256', ...extra,
    }
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value)
    return { url: url.toString(), verifier }
  }

  async function freshCode() {
    const { url, verifier } = await authorizeUrl()
    const { redirectUrl } = await followAuthorize(tenant, url, tenant.demoUser)
    return { code: new URL(redirectUrl).searchParams.get('code')!, verifier }
  }

  const redeem = (code: string, verifier: string, secret = bff.clientSecret) =>
    token({ grant_type: 'authorization_code', client_id: bff.clientId, client_secret: secret, code, code_verifier: verifier, redirect_uri: redirectUri, scope: 'openid User.Read' })

  t.test('a wrong client secret is invalid_client (401) with an AADSTS description', async (t) => {
    const { code, verifier } = await freshCode()
    const response = await redeem(code, verifier, 'wrong-secret')
    t.equal(response.status, 401)
    t.equal(response.body.error, 'invalid_client')
    t.match(response.body.error_description, /^AADSTS7000215: .*Trace ID: .*Correlation ID: .*Timestamp: /)
    t.same(response.body.error_codes, [7000215])
  })

  t.test('client_secret_basic authenticates too', async (t) => {
    const { code, verifier } = await freshCode()
    const basic = Buffer.from(`${bff.clientId}:${encodeURIComponent(bff.clientSecret)}`).toString('base64')
    const response = await token({ grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: redirectUri, scope: 'openid User.Read' }, { authorization: `Basic ${basic}` })
    t.equal(response.status, 200)
    t.type(response.body.access_token, 'string')
  })

  t.test('a reused code is invalid_grant', async (t) => {
    const { code, verifier } = await freshCode()
    t.equal((await redeem(code, verifier)).status, 200)
    const again = await redeem(code, verifier)
    t.equal(again.status, 400)
    t.equal(again.body.error, 'invalid_grant')
    t.same(again.body.error_codes, [54005])
  })

  t.test('a wrong PKCE verifier is invalid_grant', async (t) => {
    const { code } = await freshCode()
    const response = await redeem(code, randomBytes(32).toString('base64url'))
    t.equal(response.body.error, 'invalid_grant')
    t.same(response.body.error_codes, [501481])
  })

  t.test('an unknown grant type, a missing grant type and a JSON body are refused', async (t) => {
    t.equal((await token({ grant_type: 'password', client_id: bff.clientId })).body.error, 'unsupported_grant_type')
    t.equal((await token({ client_id: bff.clientId })).body.error, 'invalid_request')
    const json = await request(tokenUrl, { method: 'POST', dispatcher: agent, headers: { 'content-type': 'application/json' }, body: '{"grant_type":"client_credentials"}' })
    t.equal(json.statusCode, 400)
    t.equal(((await json.body.json()) as { error: string }).error, 'invalid_request')
  })

  t.test('an oversized body is refused with a 413, not a crash', async (t) => {
    const response = await token({ grant_type: 'client_credentials', padding: 'x'.repeat(100_000) })
    t.equal(response.status, 413)
    t.equal(response.body.error, 'invalid_request')
  })

  t.test('an unknown refresh token is invalid_grant with bad_token', async (t) => {
    const response = await token({ grant_type: 'refresh_token', client_id: bff.clientId, client_secret: bff.clientSecret, refresh_token: 'made-up', scope: 'User.Read' })
    t.equal(response.body.error, 'invalid_grant')
    t.equal(response.body.suberror, 'bad_token')
  })

  t.test('client credentials need a /.default scope and then issue an app token', async (t) => {
    const bad = await token({ grant_type: 'client_credentials', client_id: bff.clientId, client_secret: bff.clientSecret, scope: 'User.Read' })
    t.equal(bad.body.error, 'invalid_scope')
    const good = await token({ grant_type: 'client_credentials', client_id: bff.clientId, client_secret: bff.clientSecret, scope: 'https://graph.microsoft.com/.default' })
    t.equal(good.status, 200)
    t.notOk(good.body.refresh_token)
  })

  t.test('OBO with a tampered or expired assertion is invalid_grant', async (t) => {
    const service = tenant.apps.profileService
    const { privateKey } = await generateKeyPair('RS256')
    const now = Math.floor(Date.now() / 1000)
    const forged = await new SignJWT({ aud: service.clientId, iss: `${tenant.httpsOrigin}/${tenant.tenantId}/v2.0`, oid: 'x', exp: now + 600 }).setProtectedHeader({ alg: 'RS256' }).sign(privateKey)
    const obo = (assertion: string) => token({
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', requested_token_use: 'on_behalf_of', assertion,
      client_id: service.clientId, client_secret: service.clientSecret, scope: 'https://graph.microsoft.com/User.ReadWrite',
    })
    const tampered = await obo(forged)
    t.equal(tampered.body.error, 'invalid_grant')
    t.same(tampered.body.error_codes, [50013])
    const missing = await token({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', client_id: service.clientId, client_secret: service.clientSecret })
    t.equal(missing.body.error, 'invalid_request')
  })

  t.test('authorize shows an error page for an unknown client or an unregistered redirect URI', async (t) => {
    const unknownClient = await request((await authorizeUrl({ client_id: '00000000-0000-0000-0000-000000000000' })).url)
    t.equal(unknownClient.statusCode, 400)
    t.match(await unknownClient.body.text(), /AADSTS700016/)
    const badRedirect = await request((await authorizeUrl({ redirect_uri: 'https://evil.example/cb' })).url)
    t.equal(badRedirect.statusCode, 400)
    t.match(await badRedirect.body.text(), /AADSTS50011/)
  })

  t.test('authorize sends OAuth errors back to a trusted redirect URI', async (t) => {
    const cases: [Record<string, string>, string, RegExp][] = [
      [{ code_challenge_method: 'S512' }, 'invalid_request', /code_challenge_method/],
      [{ code_challenge: '', code_challenge_method: '' }, 'invalid_request', /Proof Key for Code Exchange is required/],
      [{ response_type: 'token' }, 'unsupported_response_type', /response_type/],
      [{ scope: 'openid api://nope/Scope' }, 'invalid_scope', /AADSTS500011/],
      [{ claims: '{not json' }, 'invalid_request', /claims/],
      [{ prompt: 'sometimes' }, 'invalid_request', /prompt/],
      [{ prompt: 'none' }, 'login_required', /AADSTS50058/],
    ]
    for (const [extra, error, description] of cases) {
      const response = await request((await authorizeUrl(extra)).url)
      t.equal(response.statusCode, 302)
      const back = new URL(String(response.headers.location))
      t.equal(back.searchParams.get('error'), error, JSON.stringify(extra))
      t.match(back.searchParams.get('error_description'), description)
      t.equal(back.searchParams.get('state'), 's1')
      await response.body.dump()
    }
  })

  t.test('an unknown tenant is refused', async (t) => {
    const response = await request(`${tenant.httpsOrigin}/not-a-tenant/v2.0/.well-known/openid-configuration`, { dispatcher: agent })
    t.equal(response.statusCode, 400)
    t.equal(((await response.body.json()) as { error: string }).error, 'invalid_tenant')
  })

  t.test('discovery works for the tenant id and for {subdomain}.onmicrosoft.com', async (t) => {
    for (const name of [tenant.tenantId, `${tenant.subdomain}.onmicrosoft.com`]) {
      const response = await request(`${tenant.httpsOrigin}/${name}/v2.0/.well-known/openid-configuration`, { dispatcher: agent })
      const document = (await response.body.json()) as Record<string, string>
      t.equal(document.issuer, `${tenant.httpsOrigin}/${tenant.tenantId}/v2.0`)
    }
  })

  t.test('Graph refuses a missing, foreign or under-scoped token in Graph’s error shape', async (t) => {
    const me = (authorization?: string, method: 'GET' | 'PATCH' = 'GET', body?: string) => request(`${tenant.graphBaseUrl}/me`, {
      method, dispatcher: agent, headers: { ...(authorization ? { authorization } : {}), 'content-type': 'application/json', 'client-request-id': 'test-123' }, body,
    })
    const none = await me()
    t.equal(none.statusCode, 401)
    const noneBody = (await none.body.json()) as { error: { code: string; innerError: Record<string, string> } }
    t.equal(noneBody.error.code, 'InvalidAuthenticationToken')
    t.equal(noneBody.error.innerError['client-request-id'], 'test-123')
    const { privateKey } = await generateKeyPair('RS256')
    const foreign = await new SignJWT({ aud: 'https://graph.microsoft.com', scp: 'User.Read' }).setProtectedHeader({ alg: 'RS256' }).setExpirationTime('1h').sign(privateKey)
    t.equal((await me(`Bearer ${foreign}`)).statusCode, 401)

    const { code, verifier } = await freshCode()
    const graphToken = (await redeem(code, verifier)).body.access_token as string
    t.equal((await me(`Bearer ${graphToken}`)).statusCode, 200)
    const selected = await me(`Bearer ${graphToken}`).then((r) => r.body.json()) as Record<string, unknown>
    t.equal(selected.displayName, 'Demo User')
    const readOnlyWrite = await me(`Bearer ${graphToken}`, 'PATCH', '{"displayName":"x"}')
    t.equal(readOnlyWrite.statusCode, 403, 'User.Read cannot PATCH')
    t.equal(((await readOnlyWrite.body.json()) as { error: { code: string } }).error.code, 'Authorization_RequestDenied')
  })
})
