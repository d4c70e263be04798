import { createHash, randomBytes } from 'node:crypto'
import t from 'tap'
import { request, type Dispatcher } from 'undici'
import { createHttpAgent } from '../helpers/http.ts'
import { startTestTenant } from '../helpers/tenant.ts'
import { followAuthorize } from '../../../../harness/tenant-pages.ts'

// Issue 11, finding 6: user-supplied keys and values that used to reach a 500.

const redirectUri = 'http://localhost:3000/auth/redirect'

t.test('keys and values that crashed the tenant', async (t) => {
  const tenant = await startTestTenant(t)
  const agent: Dispatcher = createHttpAgent({ extraCaPem: [tenant.caCertificatePem] })
  t.teardown(() => agent.close())
  const bff = tenant.apps.bff
  const tokenUrl = `${tenant.httpsOrigin}/${tenant.tenantId}/oauth2/v2.0/token`

  async function token(form: Record<string, string>, headers: Record<string, string> = {}) {
    const response = await request(tokenUrl, {
      method: 'POST', dispatcher: agent, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(form).toString(),
    })
    return { status: response.statusCode, body: (await response.body.json()) as Record<string, unknown> }
  }

  function authorizeUrl(extra: Record<string, string>) {
    const url = new URL(`${tenant.httpOrigin}/${tenant.tenantId}/oauth2/v2.0/authorize`)
    const challenge = createHash('sha256').update(randomBytes(32).toString('base64url')).digest('base64url')
    const params = {
      client_id: bff.clientId, response_type: 'code', redirect_uri: redirectUri, scope: 'openid profile offline_access User.Read',
      state: 's1', nonce: 'n1', code_challenge: challenge, code_challenge_method: 'S256', ...extra,
    }
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value)
    return url.toString()
  }

  async function authorizeError(extra: Record<string, string>) {
    const response = await request(authorizeUrl(extra))
    await response.body.dump()
    const back = new URL(String(response.headers.location))
    return { status: response.statusCode, origin: `${back.origin}${back.pathname}`, error: back.searchParams.get('error'), description: back.searchParams.get('error_description') ?? '' }
  }

  for (const grantType of ['constructor', 'toString', '__proto__', 'valueOf', 'hasOwnProperty', '__defineGetter__', 'isPrototypeOf']) {
    t.test(`grant_type=${grantType} is unsupported_grant_type, not a lookup on an object`, async (t) => {
      const response = await token({ grant_type: grantType, client_id: bff.clientId, client_secret: bff.clientSecret })
      t.equal(response.status, 400)
      t.equal(response.body.error, 'unsupported_grant_type')
      t.same(response.body.error_codes, [70003])
    })
  }

  t.test('Basic client credentials with a broken %-escape are invalid_client (401)', async (t) => {
    const response = await token({ grant_type: 'client_credentials', scope: 'https://graph.microsoft.com/.default' }, { authorization: `Basic ${Buffer.from(`${bff.clientId}:%`).toString('base64')}` })
    t.equal(response.status, 401)
    t.equal(response.body.error, 'invalid_client')
    t.match(response.body.error_description, /^AADSTS7000215: .*form-urlencoded/)
  })

  t.test('a client id named like an object property is an unknown client', async (t) => {
    const response = await token({ grant_type: 'client_credentials', client_id: '__proto__', client_secret: 'x', scope: 'https://graph.microsoft.com/.default' })
    t.equal(response.status, 400)
    t.same(response.body.error_codes, [700016])
  })

  const claimsCases: [string, string, RegExp][] = [
    ['claims=null', 'null', /must be a JSON object/],
    ['an unknown authentication context', JSON.stringify({ access_token: { acrs: { essential: true, value: 'c99' } } }), /'c99' is not defined/],
    ['acrs.values as a string', JSON.stringify({ access_token: { acrs: { essential: true, values: 'c1' } } }), /values must be an array of strings/],
    ['access_token as an array', JSON.stringify({ access_token: ['acrs'] }), /access_token must be an object/],
  ]
  for (const [name, claims, description] of claimsCases) {
    t.test(`authorize with ${name} sends invalid_request back to the app`, async (t) => {
      const response = await authorizeError({ claims })
      t.equal(response.status, 302)
      t.equal(response.origin, redirectUri)
      t.equal(response.error, 'invalid_request')
      t.match(response.description, /^AADSTS90014: /)
      t.match(response.description, description)
    })
  }

  async function signedIn() {
    const url = new URL(authorizeUrl({}))
    const verifier = randomBytes(32).toString('base64url')
    url.searchParams.set('code_challenge', createHash('sha256').update(verifier).digest('base64url'))
    const { redirectUrl } = await followAuthorize(tenant, url.toString(), tenant.demoUser)
    const code = new URL(redirectUrl).searchParams.get('code')!
    return token({ grant_type: 'authorization_code', client_id: bff.clientId, client_secret: bff.clientSecret, code, code_verifier: verifier, redirect_uri: redirectUri, scope: 'openid offline_access User.Read' })
  }

  t.test('a refresh with claims=null is invalid_request 90014', async (t) => {
    const tokens = await signedIn()
    const response = await token({ grant_type: 'refresh_token', client_id: bff.clientId, client_secret: bff.clientSecret, refresh_token: String(tokens.body.refresh_token), scope: 'User.Read', claims: 'null' })
    t.equal(response.status, 400)
    t.equal(response.body.error, 'invalid_request')
    t.same(response.body.error_codes, [90014])
  })

  t.test('Graph answers a repeated $select with 400 BadRequest in Graph’s shape', async (t) => {
    const tokens = await signedIn()
    const me = (query: string) => request(`${tenant.graphBaseUrl}/me?${query}`, { dispatcher: agent, headers: { authorization: `Bearer ${tokens.body.access_token}` } })

    const repeated = await me('$select=id&$select=mail')
    t.equal(repeated.statusCode, 400)
    const body = (await repeated.body.json()) as { error: { code: string; message: string; innerError: Record<string, string> } }
    t.equal(body.error.code, 'BadRequest')
    t.match(body.error.message, /\$select' was specified more than once/)
    t.type(body.error.innerError['request-id'], 'string')

    const inherited = await me('$select=constructor')
    t.equal(inherited.statusCode, 400, 'a property every object inherits is not a user property')
    t.equal(((await inherited.body.json()) as { error: { code: string } }).error.code, 'Request_BadRequest')
  })
})
