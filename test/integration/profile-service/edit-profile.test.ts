import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { generateKeyPair, importJWK, SignJWT, decodeJwt, type JWTPayload } from 'jose'
import t from 'tap'
import { request } from 'undici'
import { claimsFromChallenge } from '../../../src/lib/claims-challenge.ts'
import { parseWwwAuthenticate } from '../../../src/lib/www-authenticate.ts'
import { startTestTenant } from '../../helpers/local-tenant.ts'
import { startTestProfileService, userTokenForService } from '../../helpers/profile-service.ts'
import type { LocalTenant } from '../../../src/local-tenant/local-tenant.ts'

async function call(url: string, method: 'GET' | 'PATCH', options: { token?: string; authorization?: string; body?: unknown } = {}) {
  const response = await request(`${url}/me`, {
    method,
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.authorization ? { authorization: options.authorization } : {}),
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
  })
  const text = await response.body.text()
  return { status: response.statusCode, headers: response.headers, body: text ? JSON.parse(text) : undefined }
}

/** A token signed with the tenant's own key (read from its data dir), with chosen claims. */
async function tenantSigned(tenant: LocalTenant, claims: JWTPayload): Promise<string> {
  const [stored] = JSON.parse(await readFile(join(tenant.config.dataDir, 'signing-keys.json'), 'utf8'))
  const key = await importJWK(stored.privateJwk, 'RS256')
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: stored.kid }).sign(key)
}

const challengeOf = (headers: Record<string, unknown>) => parseWwwAuthenticate(headers['www-authenticate'] as string)[0]

t.test('edit profile service, against the real local tenant', async (t) => {
  const tenant = await startTestTenant(t)
  const service = await startTestProfileService(t, tenant)
  const { accessToken } = await userTokenForService(tenant)
  const validClaims = decodeJwt(accessToken)

  t.test('a valid token with MFA updates the profile and Graph shows it', async (t) => {
    const saved = await call(service.url, 'PATCH', { token: accessToken, body: { displayName: '  Demo Renamed  ', surname: 'Renamed' } })
    t.equal(saved.status, 200)
    t.equal(saved.body.displayName, 'Demo Renamed', 'values are trimmed')
    t.equal(saved.body.surname, 'Renamed')
    t.equal(saved.body.mail, tenant.demoUser.email)
    const read = await call(service.url, 'GET', { token: accessToken })
    t.equal(read.body.displayName, 'Demo Renamed')
  })

  t.test('invalid values answer 422 field by field', async (t) => {
    const response = await call(service.url, 'PATCH', { token: accessToken, body: { displayName: ' ', givenName: 'x'.repeat(65) } })
    t.equal(response.status, 422)
    t.equal(response.body.error.code, 'invalid_profile')
    t.same(response.body.error.details, { displayName: 'Display name is required.', givenName: 'Given name must be at most 64 characters.' })
  })

  t.test('unknown properties and non-string values answer 422', async (t) => {
    t.equal((await call(service.url, 'PATCH', { token: accessToken, body: { mail: 'x@y.z' } })).status, 422)
    t.equal((await call(service.url, 'PATCH', { token: accessToken, body: { displayName: 5 } })).status, 422)
    t.equal((await call(service.url, 'PATCH', { token: accessToken, body: { displayName: 'tab\there' } })).status, 422)
  })

  t.test('no Authorization header answers 401 with a Bearer challenge', async (t) => {
    const response = await call(service.url, 'PATCH', { body: { displayName: 'x' } })
    t.equal(response.status, 401)
    t.same(challengeOf(response.headers), { scheme: 'Bearer', params: { realm: '' } })
  })

  t.test('a malformed Authorization header answers 401 invalid_token', async (t) => {
    const response = await call(service.url, 'GET', { authorization: 'Basic dXNlcjpwYXNz' })
    t.equal(response.status, 401)
    t.equal(challengeOf(response.headers).params.error, 'invalid_token')
  })

  t.test('a token signed by another key answers 401 invalid_token', async (t) => {
    const { privateKey } = await generateKeyPair('RS256')
    const forged = await new SignJWT(validClaims).setProtectedHeader({ alg: 'RS256', kid: decodeJwt(accessToken).kid as string ?? 'x' }).sign(privateKey)
    const response = await call(service.url, 'GET', { token: forged })
    t.equal(response.status, 401)
    t.equal(challengeOf(response.headers).params.error_description, 'The token signature is not valid.')
  })

  t.test('wrong issuer, wrong audience and expired tokens answer 401 invalid_token', async (t) => {
    const now = Math.floor(Date.now() / 1000)
    const cases = [
      [{ ...validClaims, iss: 'https://evil.example/v2.0' }, 'The token issuer is not this tenant.'],
      [{ ...validClaims, aud: tenant.apps.bff.clientId }, 'The token audience is not this API.'],
      [{ ...validClaims, iat: now - 7200, nbf: now - 7200, exp: now - 3600 }, 'The token is expired.'],
      [{ ...validClaims, ver: '1.0' }, 'The token must be a v2.0 access token.'],
    ] as const
    for (const [claims, description] of cases) {
      const response = await call(service.url, 'GET', { token: await tenantSigned(tenant, claims) })
      t.equal(response.status, 401, description)
      t.equal(challengeOf(response.headers).params.error_description, description)
    }
  })

  t.test('a token without the scope answers 403 insufficient_scope', async (t) => {
    const response = await call(service.url, 'GET', { token: await tenantSigned(tenant, { ...validClaims, scp: 'User.Read' }) })
    t.equal(response.status, 403)
    t.equal(challengeOf(response.headers).params.error, 'insufficient_scope')
  })

  t.test('health and readiness answer 200', async (t) => {
    t.equal((await request(`${service.url}/healthz`)).statusCode, 200)
    t.equal((await request(`${service.url}/readyz`)).statusCode, 200)
  })
})

t.test('a required authentication context is demanded with a claims challenge, and satisfied by step-up', async (t) => {
  const tenant = await startTestTenant(t)
  const service = await startTestProfileService(t, tenant, { requiredAuthContext: 'c1' })
  const { accessToken, jar } = await userTokenForService(tenant)
  const refused = await call(service.url, 'PATCH', { token: accessToken, body: { displayName: 'Needs c1' } })
  t.equal(refused.status, 401)
  const challenge = challengeOf(refused.headers)
  t.equal(challenge.params.error, 'insufficient_claims')
  t.match(challenge.params.authorization_uri, /\/oauth2\/v2\.0\/authorize$/)
  const claims = claimsFromChallenge(refused.headers['www-authenticate'] as string)!
  t.same(JSON.parse(claims), { access_token: { acrs: { essential: true, value: 'c1' } } })

  const stepped = await userTokenForService(tenant, { claims, jar })
  t.same(decodeJwt(stepped.accessToken).acrs, ['c1'])
  t.equal((await call(service.url, 'PATCH', { token: stepped.accessToken, body: { displayName: 'Has c1' } })).status, 200)
})

t.test('an OBO answered with interaction_required is relayed as 401 insufficient_claims', async (t) => {
  const tenant = await startTestTenant(t, {
    editTenant: (file) => file.policies.push({ id: 'graph-mfa', displayName: 'Graph MFA', state: 'enabled', targetAppIds: ['00000003-0000-0000-c000-000000000000'], grant: 'mfa' }),
  })
  const service = await startTestProfileService(t, tenant)
  const { accessToken } = await userTokenForService(tenant)
  await tenant.testing.makeMfaStale(tenant.demoUser.email)
  const response = await call(service.url, 'PATCH', { token: accessToken, body: { displayName: 'Stale MFA' } })
  t.equal(response.status, 401)
  t.equal(challengeOf(response.headers).params.error, 'insufficient_claims')
  t.match(JSON.parse(claimsFromChallenge(response.headers['www-authenticate'] as string)!), { access_token: { capolids: { values: ['graph-mfa'] } } })
})
