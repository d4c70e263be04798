import { InteractionRequiredAuthError } from '@azure/msal-node'
import { decodeJwt } from 'jose'
import t from 'tap'
import { request } from 'undici'
import { createHttpAgent } from '../helpers/http.ts'
import { clientCertificate } from '../helpers/client-certificate.ts'
import { fieldValue } from '../../../../harness/html.ts'
import { startTestTenant } from '../helpers/tenant.ts'
import { msalClientFor, signInWithCode } from '../../../../harness/msal-client.ts'
import { followAuthorize, TenantPageError } from '../../../../harness/tenant-pages.ts'

const signInScopes = ['openid', 'profile', 'offline_access', 'User.Read']

t.test('OBO exchanges an MFA-grade service token for a Graph token', async (t) => {
  const tenant = await startTestTenant(t)
  const bff = msalClientFor(tenant, { clientId: tenant.apps.bff.clientId, clientSecret: tenant.apps.bff.clientSecret })
  const { result } = await signInWithCode(tenant, bff, tenant.demoUser, { scopes: [tenant.apps.profileService.scope] })
  const service = msalClientFor(tenant, { clientId: tenant.apps.profileService.clientId, clientSecret: tenant.apps.profileService.clientSecret })
  const obo = await service.acquireTokenOnBehalfOf({ oboAssertion: result.accessToken, scopes: ['https://graph.microsoft.com/User.ReadWrite'] })
  const graphToken = decodeJwt(obo!.accessToken)
  t.equal(graphToken.aud, 'https://graph.microsoft.com')
  t.equal(graphToken.scp, 'User.ReadWrite')
  t.equal(graphToken.appid, tenant.apps.profileService.clientId)
  t.equal(graphToken.oid, decodeJwt(result.accessToken).oid)
})

t.test('OBO answers interaction_required with claims when a policy on Graph needs fresh MFA', async (t) => {
  const tenant = await startTestTenant(t, {
    editTenant: (file) => file.policies.push({ id: 'graph-mfa', displayName: 'Graph MFA', state: 'enabled', targetAppIds: ['00000003-0000-0000-c000-000000000000'], grant: 'mfa' }),
  })
  const bff = msalClientFor(tenant, { clientId: tenant.apps.bff.clientId, clientSecret: tenant.apps.bff.clientSecret })
  const { result } = await signInWithCode(tenant, bff, tenant.demoUser, { scopes: [tenant.apps.profileService.scope] })
  await tenant.testing.makeMfaStale(tenant.demoUser.email)
  const service = msalClientFor(tenant, { clientId: tenant.apps.profileService.clientId, clientSecret: tenant.apps.profileService.clientSecret })
  const failure = await service.acquireTokenOnBehalfOf({ oboAssertion: result.accessToken, scopes: ['https://graph.microsoft.com/User.ReadWrite'] }).catch((error) => error)
  t.type(failure, InteractionRequiredAuthError)
  t.match(JSON.parse(failure.claims), { access_token: { capolids: { values: ['graph-mfa'] } } })
})

t.test('a certificate credential (private_key_jwt) signs the app in', async (t) => {
  const tenant = await startTestTenant(t)
  const certificate = await clientCertificate()
  tenant.testing.registerCertificate(tenant.apps.bff.clientId, certificate.certificatePem)
  const client = msalClientFor(tenant, {
    clientId: tenant.apps.bff.clientId,
    clientCertificate: { thumbprintSha256: certificate.thumbprintSha256, privateKey: certificate.privateKeyPem },
  })
  const { result } = await signInWithCode(tenant, client, tenant.demoUser, { scopes: signInScopes })
  t.equal(result.account?.username, tenant.demoUser.email)

  const stranger = await clientCertificate()
  const impostor = msalClientFor(tenant, {
    clientId: tenant.apps.bff.clientId,
    clientCertificate: { thumbprintSha256: stranger.thumbprintSha256, privateKey: stranger.privateKeyPem },
  })
  const refused = await impostor.acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] }).catch((error) => error)
  t.equal(refused.errorCode, 'invalid_client')
})

t.test('a wrong password says so, and repeated failures lock the account', async (t) => {
  const tenant = await startTestTenant(t)
  const client = msalClientFor(tenant, { clientId: tenant.apps.bff.clientId, clientSecret: tenant.apps.bff.clientSecret })
  const url = await client.getAuthCodeUrl({ scopes: signInScopes, redirectUri: 'http://localhost:3000/auth/redirect', codeChallenge: 'x'.repeat(43), codeChallengeMethod: 'S256' })
  const wrong = { email: tenant.demoUser.email, password: 'not-it' }
  const first = await followAuthorize(tenant, url, wrong).catch((error) => error)
  t.type(first, TenantPageError)
  t.match(first.message, /Your password is incorrect\./)
  for (let attempt = 0; attempt < 4; attempt++) await followAuthorize(tenant, url, wrong).catch(() => {})
  const locked = await followAuthorize(tenant, url, tenant.demoUser).catch((error) => error)
  t.match(locked.message, /temporarily locked/)
})

t.test('a wrong one-time code is refused and the right one passes', async (t) => {
  const tenant = await startTestTenant(t)
  const client = msalClientFor(tenant, { clientId: tenant.apps.bff.clientId, clientSecret: tenant.apps.bff.clientSecret })
  const url = await client.getAuthCodeUrl({ scopes: [tenant.apps.profileService.scope], redirectUri: 'http://localhost:3000/auth/redirect', codeChallenge: 'x'.repeat(43), codeChallengeMethod: 'S256' })
  const jar = new Map<string, string>()
  const start = await request(url)
  jar.set('lt_session', String(start.headers['set-cookie']).split(';')[0].split('=')[1])
  const page = await start.body.text()
  const interaction = fieldValue(page, 'interaction')!
  const post = (path: string, form: Record<string, string>) => request(`${tenant.httpOrigin}${path}`, {
    method: 'POST', headers: { cookie: `lt_session=${jar.get('lt_session')}`, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ interaction, ...form }).toString(),
  })
  await (await post('/login/email', { email: tenant.demoUser.email })).body.dump()
  const mfaPage = await (await post('/login/password', { password: tenant.demoUser.password })).body.text()
  t.match(mfaPage, /Enter code/)
  const wrong = await post('/login/mfa', { code: '000000' === tenant.testing.lastCode(tenant.demoUser.email) ? '111111' : '000000' })
  t.equal(wrong.statusCode, 400)
  t.match(await wrong.body.text(), /That code is incorrect/)
  const right = await post('/login/mfa', { code: tenant.testing.lastCode(tenant.demoUser.email)! })
  t.equal(right.statusCode, 302)
  t.match(String(right.headers.location), /code=/)
  await right.body.dump()
})

t.test('logout ends the tenant session and returns only to a registered URI', async (t) => {
  const tenant = await startTestTenant(t)
  const client = msalClientFor(tenant, { clientId: tenant.apps.bff.clientId, clientSecret: tenant.apps.bff.clientSecret })
  const { jar } = await signInWithCode(tenant, client, tenant.demoUser, { scopes: signInScopes })
  const logoutUrl = `${tenant.httpOrigin}/${tenant.tenantId}/oauth2/v2.0/logout`
  const refused = await request(`${logoutUrl}?post_logout_redirect_uri=${encodeURIComponent('https://evil.example/')}`)
  t.equal(refused.statusCode, 400)
  await refused.body.dump()
  const out = await request(`${logoutUrl}?post_logout_redirect_uri=${encodeURIComponent('http://localhost:3000/')}`, { headers: { cookie: [...jar].map(([n, v]) => `${n}=${v}`).join('; ') } })
  t.equal(out.statusCode, 302)
  t.equal(out.headers.location, 'http://localhost:3000/')
  await out.body.dump()
  const url = await client.getAuthCodeUrl({ scopes: signInScopes, redirectUri: 'http://localhost:3000/auth/redirect', codeChallenge: 'x'.repeat(43), codeChallengeMethod: 'S256', prompt: 'none' })
  const silent = await request(url, { headers: { cookie: [...jar].map(([n, v]) => `${n}=${v}`).join('; ') } })
  t.equal(new URL(String(silent.headers.location)).searchParams.get('error'), 'login_required', 'no single sign-on after logout')
  await silent.body.dump()
})

t.test('signing keys rotate without invalidating tokens already issued', async (t) => {
  const tenant = await startTestTenant(t)
  const client = msalClientFor(tenant, { clientId: tenant.apps.bff.clientId, clientSecret: tenant.apps.bff.clientSecret })
  const { result } = await signInWithCode(tenant, client, tenant.demoUser, { scopes: signInScopes })
  const oldKid = JSON.parse(Buffer.from(result.accessToken.split('.')[0], 'base64url').toString()).kid
  const newKid = await tenant.testing.rotateSigningKey()
  t.not(newKid, oldKid)
  const me = await request(`${tenant.graphBaseUrl}/me`, { headers: { authorization: `Bearer ${result.accessToken}` }, dispatcher: createHttpAgent({ extraCaPem: [tenant.caCertificatePem] }) })
  t.equal(me.statusCode, 200, 'the old key still verifies')
  await me.body.dump()
})
