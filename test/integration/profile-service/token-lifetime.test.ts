import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { decodeJwt, importJWK, SignJWT, type JWTPayload } from 'jose'
import t from 'tap'
import { request } from 'undici'
import type { LocalTenant } from 'entra-local-tenant'
import { startTestTenant } from '../../helpers/local-tenant.ts'
import { startTestProfileService, userTokenForService } from '../../helpers/profile-service.ts'

// Issue 11, finding 7: token times the service must refuse itself, and a body type it must not parse.

async function tenantSigned(tenant: LocalTenant, claims: JWTPayload): Promise<string> {
  const [stored] = JSON.parse(await readFile(join(tenant.config.dataDir, 'signing-keys.json'), 'utf8'))
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: stored.kid }).sign(await importJWK(stored.privateJwk, 'RS256'))
}

t.test('edit profile service token lifetime checks', async (t) => {
  const tenant = await startTestTenant(t)
  const service = await startTestProfileService(t, tenant)
  const { accessToken } = await userTokenForService(tenant)
  const valid = decodeJwt(accessToken)
  const now = Math.floor(Date.now() / 1000)

  async function get(token: string) {
    const response = await request(`${service.url}/me`, { headers: { authorization: `Bearer ${token}` } })
    return { status: response.statusCode, challenge: String(response.headers['www-authenticate'] ?? ''), body: (await response.body.json()) as { error: { code: string; message: string } } }
  }

  const refusals: [string, JWTPayload, RegExp][] = [
    ['a token without exp', { ...valid, exp: undefined }, /no exp claim/],
    ['a token without iat', { ...valid, iat: undefined }, /no iat claim/],
    ['a token expired 30 s ago (inside the clock skew)', { ...valid, iat: now - 3630, nbf: now - 3630, exp: now - 30 }, /expired/],
    ['a token issued ten minutes in the future', { ...valid, iat: now + 600, nbf: now, exp: now + 3600 }, /issued in the future/],
    ['a token whose nbf is after its exp', { ...valid, iat: now, nbf: now + 50, exp: now + 40 }, /lifetime is not valid/],
  ]
  for (const [name, claims, message] of refusals) {
    t.test(`${name} answers 401 invalid_token`, async (t) => {
      const response = await get(await tenantSigned(tenant, claims))
      t.equal(response.status, 401)
      t.equal(response.body.error.code, 'invalid_token')
      t.match(response.body.error.message, message)
      t.match(response.challenge, /^Bearer .*error="invalid_token"/)
    })
  }

  t.test('a token within its lifetime, issued (iat) 30 s ahead of the service’s clock, is accepted', async (t) => {
    t.equal((await get(await tenantSigned(tenant, { ...valid, iat: now + 30, nbf: now, exp: now + 3630 }))).status, 200)
  })

  t.test('a text/plain body answers 415, as the API documents', async (t) => {
    const response = await request(`${service.url}/me`, {
      method: 'PATCH', headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'text/plain' }, body: '{"displayName":"Plain"}',
    })
    t.equal(response.statusCode, 415)
    t.equal(((await response.body.json()) as { error: { code: string } }).error.code, 'unsupported_media_type')
  })
})
