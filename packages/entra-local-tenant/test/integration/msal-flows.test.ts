import { InteractionRequiredAuthError } from '@azure/msal-node'
import { decodeJwt } from 'jose'
import t from 'tap'
import { startTestTenant } from '../helpers/tenant.ts'
import { msalClientFor, signInWithCode } from '../../../../harness/msal-client.ts'

const signInScopes = ['openid', 'profile', 'offline_access', 'User.Read']

t.test('msal signs in with auth code, PKCE and nonce and gets a v1 Graph token with amr, and a v2 ID token without', async (t) => {
  const tenant = await startTestTenant(t)
  const client = msalClientFor(tenant, { clientId: tenant.apps.bff.clientId, clientSecret: tenant.apps.bff.clientSecret })
  const { result } = await signInWithCode(tenant, client, tenant.demoUser, { scopes: signInScopes })
  t.equal(result.account?.username, tenant.demoUser.email)
  t.equal((result.idTokenClaims as Record<string, unknown>).name, 'Demo User')
  t.notOk('amr' in (result.idTokenClaims as Record<string, unknown>), 'v2.0 ID tokens carry no amr')
  const graphToken = decodeJwt(result.accessToken)
  t.same(graphToken.amr, ['pwd'], 'v1.0 tokens do')
  t.equal(graphToken.aud, 'https://graph.microsoft.com')
  t.equal(graphToken.iss, `https://sts.windows.net/${tenant.tenantId}/`)
  t.equal(graphToken.ver, '1.0')
  t.match(graphToken.scp, /User\.Read/)
})

t.test('the edit profile scope raises InteractionRequiredAuthError with claims until MFA, then succeeds', async (t) => {
  const tenant = await startTestTenant(t)
  const client = msalClientFor(tenant, { clientId: tenant.apps.bff.clientId, clientSecret: tenant.apps.bff.clientSecret })
  const { result, jar } = await signInWithCode(tenant, client, tenant.demoUser, { scopes: signInScopes })
  const serviceScope = tenant.apps.profileService.scope
  const failure = await client.acquireTokenSilent({ account: result.account!, scopes: [serviceScope] }).catch((error) => error)
  t.type(failure, InteractionRequiredAuthError)
  t.equal(failure.subError, 'basic_action')
  const claims = JSON.parse(failure.claims)
  t.ok(claims.access_token.capolids.values.length > 0, 'claims name the CA policy')

  const stepUp = await signInWithCode(tenant, client, tenant.demoUser, { scopes: [serviceScope], claims: failure.claims, jar, loginHint: tenant.demoUser.email })
  t.notOk('amr' in (stepUp.result.idTokenClaims as Record<string, unknown>), 'no amr in the step-up ID token either')
  const serviceToken = decodeJwt(stepUp.result.accessToken)
  t.notOk('amr' in serviceToken, 'v2.0 access tokens carry no amr')
  t.equal(serviceToken.aud, tenant.apps.profileService.clientId)
  t.equal(serviceToken.ver, '2.0')
  t.equal(serviceToken.scp, 'EditProfileService.ReadWrite')

  const silent = await client.acquireTokenSilent({ account: stepUp.result.account!, scopes: [serviceScope], forceRefresh: true })
  t.equal(decodeJwt(silent.accessToken).aud, tenant.apps.profileService.clientId, 'a refresh keeps the MFA evidence: no new challenge')
})

async function signedInWithRefreshToken(tenant: Awaited<ReturnType<typeof startTestTenant>>) {
  const client = msalClientFor(tenant, { clientId: tenant.apps.bff.clientId, clientSecret: tenant.apps.bff.clientSecret })
  const { result } = await signInWithCode(tenant, client, tenant.demoUser, { scopes: signInScopes })
  const cache = JSON.parse(client.getTokenCache().serialize())
  const firstRefreshToken = Object.values(cache.RefreshToken as Record<string, { secret: string }>)[0].secret
  const refreshed = await client.acquireTokenSilent({ account: result.account!, scopes: ['User.Read'], forceRefresh: true })
  const rotated = Object.values(JSON.parse(client.getTokenCache().serialize()).RefreshToken as Record<string, { secret: string }>)[0].secret
  return { client, firstRefreshToken, rotated, refreshed }
}

t.test('a refresh token rotates, and the old one stays valid as in Entra', async (t) => {
  const tenant = await startTestTenant(t)
  const { client, firstRefreshToken, rotated, refreshed } = await signedInWithRefreshToken(tenant)
  t.ok(refreshed.accessToken)
  t.not(rotated, firstRefreshToken, 'the refresh answered a new refresh token')
  t.equal(tenant.testing.refreshTokenReuses(), 0, 'one redemption per refresh token so far')
  const reused = await client.acquireTokenByRefreshToken({ refreshToken: firstRefreshToken, scopes: ['User.Read'] })
  t.ok(reused?.accessToken, 'the old refresh token still redeems')
  t.equal(tenant.testing.refreshTokenReuses(), 1, 'and the tenant counts the reuse')
})

t.test('with strictRefreshTokenReuseDetection, a reused refresh token is rejected', async (t) => {
  const tenant = await startTestTenant(t, { editTenant: (file) => (file.settings.strictRefreshTokenReuseDetection = true) })
  const { client, firstRefreshToken } = await signedInWithRefreshToken(tenant)
  const replay = await client.acquireTokenByRefreshToken({ refreshToken: firstRefreshToken, scopes: ['User.Read'] }).catch((error) => error)
  t.type(replay, InteractionRequiredAuthError)
  t.equal(replay.errorCode, 'invalid_grant')
  t.equal(replay.subError, 'bad_token')
  t.equal(tenant.testing.refreshTokenReuses(), 1, 'the refused reuse is counted')
})
