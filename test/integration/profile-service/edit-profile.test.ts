import { randomUUID } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { decodeJwt, decodeProtectedHeader, generateKeyPair, importJWK, SignJWT, type JWK, type JWTPayload } from 'jose'
import t from 'tap'
import { request } from 'undici'
import { claimsFromChallenge } from '../../../packages/fastify-entra-bff/src/claims-challenge.ts'
import { parseWwwAuthenticate } from '../../../packages/fastify-entra-bff/src/www-authenticate.ts'
import { startTestTenant } from '../../helpers/local-tenant.ts'
import { startTestProfileService, userTokenForService } from '../../helpers/profile-service.ts'
import type { LocalTenant } from 'entra-local-tenant'

interface CallOptions { token?: string; authorization?: string; body?: unknown; headers?: Record<string, string>; path?: string }

async function call(url: string, method: 'GET' | 'PATCH', options: CallOptions = {}) {
  const response = await request(`${url}${options.path ?? '/me'}`, {
    method,
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.authorization ? { authorization: options.authorization } : {}),
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
  })
  const text = await response.body.text()
  return { status: response.statusCode, headers: response.headers, body: text ? JSON.parse(text) : undefined }
}

/** The tenant's current signing key, as stored in its data dir. */
async function tenantSigningKey(tenant: LocalTenant): Promise<{ kid: string; privateJwk: JWK }> {
  const [stored] = JSON.parse(await readFile(join(tenant.config.dataDir, 'signing-keys.json'), 'utf8'))
  return stored
}

const tenantSigningKid = async (tenant: LocalTenant) => (await tenantSigningKey(tenant)).kid

/** A token signed with the tenant's own key, with chosen claims. */
async function tenantSigned(tenant: LocalTenant, claims: JWTPayload): Promise<string> {
  const stored = await tenantSigningKey(tenant)
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

  t.test('unknown properties and non-string values answer 422 naming each field', async (t) => {
    const response = await call(service.url, 'PATCH', { token: accessToken, body: { mail: 'x@y.z', displayName: 5, surname: 'Ok' } })
    t.equal(response.status, 422)
    t.equal(response.body.error.code, 'invalid_profile')
    t.same(response.body.error.details, {
      mail: 'mail is not an editable profile field (editable: displayName, givenName, surname).',
      displayName: 'Display name must be text.',
    })
  })

  t.test('a value far over the limit answers 422 with the field’s own limit', async (t) => {
    const response = await call(service.url, 'PATCH', { token: accessToken, body: { surname: 'x'.repeat(2000) } })
    t.equal(response.status, 422)
    t.same(response.body.error.details, { surname: 'Surname must be at most 64 characters.' })
  })

  t.test('control characters answer 422 for that field', async (t) => {
    const response = await call(service.url, 'PATCH', { token: accessToken, body: { displayName: 'tab\there' } })
    t.equal(response.status, 422)
    t.same(response.body.error.details, { displayName: 'Display name cannot contain control characters.' })
  })

  t.test('a change of nothing answers 422', async (t) => {
    const response = await call(service.url, 'PATCH', { token: accessToken, body: {} })
    t.equal(response.status, 422)
    t.match(response.body.error.message, /at least one of displayName, givenName, surname/)
  })

  t.test('an invalid body without a token answers 401: authentication comes before validation', async (t) => {
    const response = await call(service.url, 'PATCH', { body: { mail: 'x@y.z' } })
    t.equal(response.status, 401)
    t.equal(response.headers['www-authenticate'], 'Bearer realm=""')
  })

  t.test('a body over 8 KB answers 413', async (t) => {
    const response = await call(service.url, 'PATCH', { token: accessToken, body: { displayName: 'x'.repeat(9000) } })
    t.equal(response.status, 413)
    t.equal(response.body.error.code, 'payload_too_large')
  })

  t.test('a body that is not JSON answers 415', async (t) => {
    const response = await call(service.url, 'PATCH', { token: accessToken, body: 'displayName=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } })
    t.equal(response.status, 415)
    t.equal(response.body.error.code, 'unsupported_media_type')
  })

  t.test('the Bearer scheme is accepted in any letter case', async (t) => {
    t.equal((await call(service.url, 'GET', { authorization: `bearer ${accessToken}` })).status, 200)
  })

  t.test('answers are not cacheable and carry the caller’s client-request-id', async (t) => {
    const response = await call(service.url, 'GET', { token: accessToken, headers: { 'client-request-id': 'bff-trace-0001' } })
    t.equal(response.headers['cache-control'], 'no-store')
    t.equal(response.headers['client-request-id'], 'bff-trace-0001')
  })

  t.test('a path outside the API answers 404 in the API’s error shape', async (t) => {
    const response = await call(service.url, 'GET', { token: accessToken, path: '/users' })
    t.equal(response.status, 404)
    t.equal(response.body.error.code, 'not_found')
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

  t.test('a token signed by another key under the tenant\'s own kid answers 401 invalid_token', async (t) => {
    // The kid names a key the service knows and trusts, so only the signature can refuse it.
    const { kid } = decodeProtectedHeader(accessToken)
    t.ok(kid, 'the tenant names its signing key')
    t.equal(kid, await tenantSigningKid(tenant), 'and it is the tenant\'s current key')
    t.equal((await call(service.url, 'GET', { token: await tenantSigned(tenant, validClaims) })).status, 200, 'the same claims signed by the tenant pass')
    const { privateKey } = await generateKeyPair('RS256')
    const forged = await new SignJWT(validClaims).setProtectedHeader({ alg: 'RS256', kid }).sign(privateKey)
    const response = await call(service.url, 'GET', { token: forged })
    t.equal(response.status, 401)
    t.equal(challengeOf(response.headers).params.error, 'invalid_token')
    t.equal(challengeOf(response.headers).params.error_description, 'The token signature is not valid.')
  })

  t.test('a token under a kid the tenant never published answers 401 invalid_token', async (t) => {
    const { privateKey } = await generateKeyPair('RS256')
    const forged = await new SignJWT(validClaims).setProtectedHeader({ alg: 'RS256', kid: 'not-a-tenant-key' }).sign(privateKey)
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
      [{ ...validClaims, nbf: now + 3600, exp: now + 7200 }, 'The token is not valid yet.'],
      [{ ...validClaims, oid: undefined }, 'The token has no user (oid).'],
    ] as const
    for (const [claims, description] of cases) {
      const response = await call(service.url, 'GET', { token: await tenantSigned(tenant, claims) })
      t.equal(response.status, 401, description)
      t.equal(challengeOf(response.headers).params.error_description, description)
    }
  })

  t.test('a token signed with a shared secret (HS256) answers 401 invalid_token', async (t) => {
    const forged = await new SignJWT(validClaims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('x'.repeat(32)))
    const response = await call(service.url, 'GET', { token: forged })
    t.equal(response.status, 401)
    t.equal(challengeOf(response.headers).params.error, 'invalid_token')
  })

  t.test('a validly signed token of a user the tenant does not know answers 401 user_not_accepted with an invalid_token challenge, not 502', async (t) => {
    const unknownUser = await tenantSigned(tenant, { ...validClaims, oid: randomUUID(), sub: randomUUID(), uti: randomUUID() })
    for (const [method, body] of [['GET', undefined], ['PATCH', { displayName: 'Nobody' }]] as const) {
      const response = await call(service.url, method, { token: unknownUser, body })
      t.equal(response.status, 401, `${method}: the caller's token is of no use, not our outage`)
      t.equal(response.body.error.code, 'user_not_accepted', 'its own code: the caller signs the user in again')
      const challenge = challengeOf(response.headers)
      t.equal(challenge.scheme.toLowerCase(), 'bearer')
      t.equal(challenge.params.error, 'invalid_token', `${method}: a Bearer invalid_token challenge`)
      t.match(challenge.params.error_description, /does not accept this token for its user/)
      t.notMatch(JSON.stringify(response.body), /AADSTS|directory/, 'no tenant text')
    }
  })

  t.test('a token without the scope answers 403 insufficient_scope', async (t) => {
    const response = await call(service.url, 'GET', { token: await tenantSigned(tenant, { ...validClaims, scp: 'User.Read' }) })
    t.equal(response.status, 403)
    t.same(challengeOf(response.headers).params, {
      realm: '', error: 'insufficient_scope', scope: 'EditProfileService.ReadWrite', error_description: 'The EditProfileService.ReadWrite scope is required.',
    })
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

t.test('an OBO the tenant refuses for another reason (a wrong service secret) answers 502', async (t) => {
  const tenant = await startTestTenant(t)
  const service = await startTestProfileService(t, tenant, { credential: { kind: 'secret', clientSecret: 'not-the-secret' } })
  const { accessToken } = await userTokenForService(tenant)
  const response = await call(service.url, 'PATCH', { token: accessToken, body: { displayName: 'Never saved' } })
  t.equal(response.status, 502)
  t.equal(response.body.error.code, 'token_exchange_failed')
  t.equal(response.headers['www-authenticate'], undefined)
})

t.test('a token signed with a newly rotated key is accepted: the signing keys are fetched again', async (t) => {
  const tenant = await startTestTenant(t)
  const service = await startTestProfileService(t, tenant, { jwksRefetchCooldownMs: 0 })
  const before = await userTokenForService(tenant)
  t.equal((await call(service.url, 'GET', { token: before.accessToken })).status, 200, 'keys loaded with the first key')
  await tenant.testing.rotateSigningKey()
  const after = await userTokenForService(tenant)
  t.not(decodeProtectedHeader(after.accessToken).kid, decodeProtectedHeader(before.accessToken).kid)
  t.equal((await call(service.url, 'GET', { token: after.accessToken })).status, 200)
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
  t.equal(challengeOf(response.headers).params.client_id, tenant.apps.profileService.clientId)
  t.match(challengeOf(response.headers).params.authorization_uri, /\/oauth2\/v2\.0\/authorize$/)
  t.match(JSON.parse(claimsFromChallenge(response.headers['www-authenticate'] as string)!), { access_token: { capolids: { values: ['graph-mfa'] } } })
})
