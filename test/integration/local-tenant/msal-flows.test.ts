import { InteractionRequiredAuthError } from '@azure/msal-node'
import { decodeJwt } from 'jose'
import t from 'tap'
import { startTestTenant } from '../../helpers/local-tenant.ts'
import { msalClientFor, signInWithCode } from '../../helpers/msal-client.ts'

const signInScopes = ['openid', 'profile', 'offline_access', 'User.Read']

t.test('msal signs in with auth code, PKCE and nonce and gets a v1 Graph token', async (t) => {
  const tenant = await startTestTenant(t)
  const client = msalClientFor(tenant, { clientId: tenant.apps.bff.clientId, clientSecret: tenant.apps.bff.clientSecret })
  const { result } = await signInWithCode(tenant, client, tenant.demoUser, { scopes: signInScopes })
  t.equal(result.account?.username, tenant.demoUser.email)
  t.equal((result.idTokenClaims as Record<string, unknown>).name, 'Demo User')
  t.same((result.idTokenClaims as Record<string, unknown>).amr, ['pwd'])
  const graphToken = decodeJwt(result.accessToken)
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
  t.same((stepUp.result.idTokenClaims as Record<string, unknown>).amr, ['pwd', 'mfa'])
  const serviceToken = decodeJwt(stepUp.result.accessToken)
  t.equal(serviceToken.aud, tenant.apps.profileService.clientId)
  t.equal(serviceToken.ver, '2.0')
  t.equal(serviceToken.scp, 'EditProfileService.ReadWrite')

  const silent = await client.acquireTokenSilent({ account: stepUp.result.account!, scopes: [serviceScope], forceRefresh: true })
  t.same(decodeJwt(silent.accessToken).amr, ['pwd', 'mfa'], 'a refreshed token keeps the MFA evidence')
})

t.test('a refresh token rotates and a reused one is rejected', async (t) => {
  const tenant = await startTestTenant(t)
  const client = msalClientFor(tenant, { clientId: tenant.apps.bff.clientId, clientSecret: tenant.apps.bff.clientSecret })
  const { result } = await signInWithCode(tenant, client, tenant.demoUser, { scopes: signInScopes })
  const cache = JSON.parse(client.getTokenCache().serialize())
  const firstRefreshToken = Object.values(cache.RefreshToken as Record<string, { secret: string }>)[0].secret
  const refreshed = await client.acquireTokenSilent({ account: result.account!, scopes: ['User.Read'], forceRefresh: true })
  t.ok(refreshed.accessToken)
  const replay = await client.acquireTokenByRefreshToken({ refreshToken: firstRefreshToken, scopes: ['User.Read'] }).catch((error) => error)
  t.type(replay, InteractionRequiredAuthError)
  t.equal(replay.errorCode, 'invalid_grant')
  t.equal(replay.subError, 'bad_token')
})
