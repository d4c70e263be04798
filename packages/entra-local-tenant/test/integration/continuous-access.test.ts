import { spawn } from 'node:child_process'
import { InteractionRequiredAuthError } from '@azure/msal-node'
import { decodeJwt } from 'jose'
import t from 'tap'
import { request } from 'undici'
import { claimsFromChallenge, parseChallenge } from '../helpers/challenge.ts'
import { createHttpAgent } from '../helpers/http.ts'
import { startTestTenant } from '../helpers/tenant.ts'
import { msalClientFor, signInWithCode } from '../../../../harness/msal-client.ts'

// Continuous Access Evaluation as Entra does it (learn.microsoft.com/entra/identity-platform/claims-challenge,
// app-resilience-continuous-access-evaluation): a client declaring `cp1` gets tokens with `xms_cc`;
// after "revoke sessions" Graph answers such tokens 401 with an insufficient_claims challenge naming
// the revocation time (`nbf`), and on-behalf-of refuses them with the same claims. Other tokens live on.

t.test('a client that declares cp1 gets long-lived access tokens, as Entra issues them for CAE; others the default hour', async (t) => {
  const tenant = await startTestTenant(t)
  const { clientId, clientSecret } = tenant.apps.bff
  const capable = await signInWithCode(tenant, msalClientFor(tenant, { clientId, clientSecret, clientCapabilities: ['cp1'] }), tenant.demoUser, { scopes: ['User.Read'] })
  const plain = await signInWithCode(tenant, msalClientFor(tenant, { clientId, clientSecret }), tenant.demoUser, { scopes: ['User.Read'] })
  const lifetime = (accessToken: string) => { const { iat, exp } = decodeJwt(accessToken); return exp! - iat! }
  t.equal(lifetime(capable.result.accessToken), 24 * 3600, 'cp1: 24 hours (the tenant file setting caeAccessTokenLifetimeSeconds)')
  t.equal(lifetime(plain.result.accessToken), 3600, 'without cp1: one hour')
  t.ok(capable.result.expiresOn!.getTime() - Date.now() > 23 * 3600_000, 'msal sees the long lifetime in expires_in too')
})

t.test('after revoke sessions, Graph answers a cp1 token with a CAE claims challenge and a token without cp1 as before', async (t) => {
  const tenant = await startTestTenant(t)
  const agent = createHttpAgent({ extraCaPem: [tenant.caCertificatePem] })
  t.teardown(() => agent.close())
  const { clientId, clientSecret } = tenant.apps.bff
  const capable = await signInWithCode(tenant, msalClientFor(tenant, { clientId, clientSecret, clientCapabilities: ['cp1'] }), tenant.demoUser, { scopes: ['User.Read'] })
  const plain = await signInWithCode(tenant, msalClientFor(tenant, { clientId, clientSecret }), tenant.demoUser, { scopes: ['User.Read'] })
  t.same(decodeJwt(capable.result.accessToken).xms_cc, ['cp1'], 'the cp1 client gets xms_cc')
  t.notOk(decodeJwt(plain.result.accessToken).xms_cc, 'the other does not')
  const me = (accessToken: string) => request(`${tenant.graphBaseUrl}/me`, { dispatcher: agent, headers: { authorization: `Bearer ${accessToken}` } })

  const before = await me(capable.result.accessToken)
  await before.body.text()
  t.equal(before.statusCode, 200)
  await tenant.testing.revokeSessions(tenant.demoUser.email)

  const refused = await me(capable.result.accessToken)
  const body = (await refused.body.json()) as { error: { code: string; message: string } }
  t.equal(refused.statusCode, 401)
  t.equal(body.error.code, 'InvalidAuthenticationToken')
  t.match(body.error.message, /TokenIssuedBeforeRevocationTimestamp/)
  const challenge = parseChallenge(refused.headers['www-authenticate'])
  t.equal(challenge.scheme, 'Bearer')
  t.equal(challenge.params.error, 'insufficient_claims')
  t.match(challenge.params.authorization_uri, /\/oauth2\/v2\.0\/authorize$/)
  const claims = JSON.parse(claimsFromChallenge(refused.headers['www-authenticate'])!)
  t.equal(claims.access_token.nbf.essential, true)
  t.match(claims.access_token.nbf.value, /^\d{10}$/, 'nbf: the revocation time in epoch seconds')

  const stillValid = await me(plain.result.accessToken)
  await stillValid.body.text()
  t.equal(stillValid.statusCode, 200, 'a client without cp1 keeps its token until it expires, as in Entra')
})

t.test('after revoke sessions, on-behalf-of refuses a cp1 caller token with the CAE claims', async (t) => {
  const tenant = await startTestTenant(t)
  const { clientId, clientSecret } = tenant.apps.bff
  const { result } = await signInWithCode(tenant, msalClientFor(tenant, { clientId, clientSecret, clientCapabilities: ['cp1'] }), tenant.demoUser, { scopes: [tenant.apps.profileService.scope] })
  const service = msalClientFor(tenant, { clientId: tenant.apps.profileService.clientId, clientSecret: tenant.apps.profileService.clientSecret })
  await tenant.testing.revokeSessions(tenant.demoUser.email)
  const error = await service.acquireTokenOnBehalfOf({ oboAssertion: result.accessToken, scopes: ['https://graph.microsoft.com/User.ReadWrite'] }).catch((e: unknown) => e)
  t.type(error, InteractionRequiredAuthError)
  t.match((error as InteractionRequiredAuthError).errorMessage, /AADSTS50173/)
  t.ok(JSON.parse((error as InteractionRequiredAuthError).claims).access_token.nbf, 'the claims name the revocation time')
})

t.test('npm run tenant-admin -- revoke-sessions EMAIL revokes on the running tenant, without an HTTP route', async (t) => {
  const tenant = await startTestTenant(t)
  const { clientId, clientSecret } = tenant.apps.bff
  const { result } = await signInWithCode(tenant, msalClientFor(tenant, { clientId, clientSecret, clientCapabilities: ['cp1'] }), tenant.demoUser, { scopes: ['User.Read'] })
  const run = (...args: string[]) => new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
    const child = spawn(process.execPath, [new URL('../../src/tenant-admin.ts', import.meta.url).pathname, ...args], {
      env: { ...process.env, LOCAL_TENANT_DATA_DIR: tenant.config.dataDir },
    })
    let out = ''
    let err = ''
    child.stdout.on('data', (chunk) => (out += chunk))
    child.stderr.on('data', (chunk) => (err += chunk))
    child.on('exit', (code) => resolve({ code, out, err }))
  })
  const unknown = await run('revoke-sessions', 'nobody@contoso.test')
  t.equal(unknown.code, 1)
  t.match(unknown.err, /No user nobody@contoso\.test/)
  const revoked = await run('revoke-sessions', tenant.demoUser.email)
  t.equal(revoked.code, 0, revoked.err)
  t.match(revoked.out, /Revoked the sessions of demo@contoso\.test/)

  const agent = createHttpAgent({ extraCaPem: [tenant.caCertificatePem] })
  t.teardown(() => agent.close())
  const refused = await request(`${tenant.graphBaseUrl}/me`, { dispatcher: agent, headers: { authorization: `Bearer ${result.accessToken}` } })
  await refused.body.text()
  t.equal(refused.statusCode, 401)
  t.ok(claimsFromChallenge(refused.headers['www-authenticate']), 'Graph challenges the token issued before the revocation')
  const adminRoute = await request(`${tenant.httpOrigin}/admin/revoke-sessions`, { method: 'POST' })
  await adminRoute.body.text()
  t.equal(adminRoute.statusCode, 404, 'no HTTP route does it')
})
