import { type ConfidentialClientApplication, ServerError } from '@azure/msal-node'
import t, { type Test } from 'tap'
import { request, fetch as undiciFetch } from 'undici'
import { TenantTestControl, TestControlError } from '../../src/testing-client.ts'
import { isLoopback } from '../../src/test-control.ts'
import { createHttpAgent } from '../helpers/http.ts'
import { startTestTenant } from '../helpers/tenant.ts'
import { msalClientFor, signInWithCode } from '../../../../harness/msal-client.ts'

// The test-control API (issue 25, item 4) through its typed client, against a real tenant and
// real msal-node: what a test in another process uses to drive the tenant.

async function controlledTenant(t: Test) {
  const tenant = await startTestTenant(t, { testApi: false, testControl: true })
  const control = new TenantTestControl(tenant.testControlUrl ?? '')
  const agent = createHttpAgent({ extraCaPem: [tenant.caCertificatePem] })
  t.teardown(() => agent.close())
  const { clientId, clientSecret } = tenant.apps.bff
  return { tenant, control, agent, client: msalClientFor(tenant, { clientId, clientSecret }) }
}

/** The error a promise fails with (a test failure when it does not fail). */
async function failureOf<E = ServerError>(promise: Promise<unknown>): Promise<E> {
  try {
    await promise
  } catch (error) {
    return error as E
  }
  throw new Error('expected a failure')
}

/** A confidential client's app-only token for Graph, with msal's own token cache out of the way. */
async function appOnlyToken(client: ConfidentialClientApplication): Promise<{ accessToken: string }> {
  const result = await client.acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'], skipCache: true })
  if (!result) throw new Error('msal returned no token')
  return result
}

t.test('the test-control API is off unless the tenant starts with it', async (t) => {
  const tenant = await startTestTenant(t)
  t.equal(tenant.testControlUrl, undefined)
  const answer = await request(`${tenant.httpOrigin}/_test/mailbox`)
  t.equal(answer.statusCode, 404)
  await answer.body.dump()
})

t.test('only loopback addresses count as loopback', async (t) => {
  for (const address of ['127.0.0.1', '127.4.5.6', '::1', '::ffff:127.0.0.1']) t.ok(isLoopback(address), address)
  for (const address of ['10.0.0.1', '192.168.1.5', '::ffff:10.0.0.1', 'fe80::1', '0.0.0.0', '', undefined]) t.notOk(isLoopback(address), String(address))
})

t.test('the mailbox as JSON holds the one-time code of an MFA sign-in', async (t) => {
  const { tenant, control } = await controlledTenant(t)
  const client = msalClientFor(tenant, { clientId: tenant.apps.bff.clientId, clientSecret: tenant.apps.bff.clientSecret })
  // The harness reads the code through the in-process API; the HTTP client must see the same one.
  const mailed: string[] = []
  const inProcess = tenant.testing.lastCode.bind(tenant.testing)
  tenant.testing.lastCode = (email) => {
    const code = inProcess(email)
    if (code) mailed.push(code)
    return code
  }
  await signInWithCode(tenant, client, tenant.demoUser, { scopes: [tenant.apps.profileService.scope] })
  const messages = await control.mailbox()
  t.equal(messages.length, 1)
  t.match(messages[0], { to: tenant.demoUser.email, purpose: String, sentAt: String })
  t.same([await control.lastCode(tenant.demoUser.email)], mailed, 'the code the sign-in used')
  t.equal(await control.lastCode('nobody@contoso.test'), undefined)
})

t.test('an injected AADSTS error answers the next token request in Entra\'s shape, then the endpoint is itself again', async (t) => {
  const { control, client } = await controlledTenant(t)
  await control.injectFault('token', { kind: 'error', error: 'invalid_client', code: 7000222, status: 401, description: 'The provided client secret keys are expired.' }, 1)
  const failure = await failureOf(appOnlyToken(client))
  t.type(failure, ServerError)
  t.equal(failure.errorCode, 'invalid_client')
  t.match(failure.errorMessage, /Description: AADSTS7000222: The provided client secret keys are expired\. Trace ID: /)
  t.ok((await appOnlyToken(client)).accessToken, 'the fault applied once')
})

t.test('a throttled token endpoint answers 429 with Retry-After until the fault is cleared', async (t) => {
  const { tenant, control, agent } = await controlledTenant(t)
  await control.injectFault('token', { kind: 'throttle', retryAfterSeconds: 30 })
  const url = `${tenant.httpsOrigin}/${tenant.tenantId}/oauth2/v2.0/token`
  const form = { method: 'POST' as const, dispatcher: agent, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' }
  for (const attempt of [1, 2]) {
    const answer = await request(url, form)
    t.equal(answer.statusCode, 429, `attempt ${attempt}`)
    t.equal(answer.headers['retry-after'], '30')
    t.match(await answer.body.json(), { error: 'temporarily_unavailable', error_codes: [90055] })
  }
  await control.clearFaults()
  const answer = await request(url, form)
  t.equal(answer.statusCode, 400, 'the token endpoint judges the request itself again')
  await answer.body.dump()
})

t.test('Graph throttling answers 429 with Retry-After and Graph\'s TooManyRequests body', async (t) => {
  const { tenant, control, agent, client } = await controlledTenant(t)
  const { accessToken } = await appOnlyToken(client)
  await control.injectFault('graph', { kind: 'throttle', retryAfterSeconds: 7 }, 1)
  const answer = await request(`${tenant.graphBaseUrl}/users/${tenant.clients[0].clientId}`, { dispatcher: agent, headers: { authorization: `Bearer ${accessToken}` } })
  t.equal(answer.statusCode, 429)
  t.equal(answer.headers['retry-after'], '7')
  t.match(await answer.body.json(), { error: { code: 'TooManyRequests', innerError: { 'request-id': String } } })
})

t.test('an outage drops the connection without an answer', async (t) => {
  const { tenant, control, agent } = await controlledTenant(t)
  await control.injectFault('discovery', { kind: 'outage' }, 1)
  const discovery = `${tenant.authority}/v2.0/.well-known/openid-configuration`
  await t.rejects(request(discovery, { dispatcher: agent }), { code: 'UND_ERR_SOCKET' })
  const answer = await request(discovery, { dispatcher: agent })
  t.equal(answer.statusCode, 200, 'answered again after the one outage')
  await answer.body.dump()
})

t.test('latency holds the answer back: a client with a shorter deadline gives up', async (t) => {
  const { tenant, control, agent } = await controlledTenant(t)
  await control.injectFault('keys', { kind: 'latency', ms: 3_000 }, 1)
  const keys = `${tenant.authority}/discovery/v2.0/keys`
  await t.rejects(request(keys, { dispatcher: agent, headersTimeout: 200 }), { code: 'UND_ERR_HEADERS_TIMEOUT' })
  const answer = await request(keys, { dispatcher: agent })
  t.equal(answer.statusCode, 200)
  await answer.body.dump()
})

t.test('a fault for an endpoint the tenant does not have is refused with the list of endpoints', async (t) => {
  const { control } = await controlledTenant(t)
  const refused = await failureOf<TestControlError>(control.injectFault('tokens' as 'token', { kind: 'outage' }))
  t.type(refused, TestControlError)
  t.equal(refused.status, 400)
  t.match(refused.message, /endpoint must be one of discovery, keys, authorize, token/)
  const incomplete = await failureOf<TestControlError>(control.injectFault('token', { kind: 'error' } as never))
  t.match(incomplete.message, /an error fault needs error .* and code/)
})

t.test('moving the tenant\'s clock expires access tokens at its Graph', async (t) => {
  const { tenant, control, agent, client } = await controlledTenant(t)
  const { result } = await signInWithCode(tenant, client, tenant.demoUser, { scopes: ['User.Read'] })
  const me = () => request(`${tenant.graphBaseUrl}/me`, { dispatcher: agent, headers: { authorization: `Bearer ${result.accessToken}` } })
  const before = await me()
  t.equal(before.statusCode, 200)
  await before.body.dump()
  await control.advanceClock(2 * 3600)
  const after = await me()
  t.equal(after.statusCode, 401)
  t.match(await after.body.json(), { error: { code: 'InvalidAuthenticationToken', message: 'Lifetime validation failed, the token is expired.' } })
})

t.test('moving the tenant\'s clock past 90 days expires refresh tokens (AADSTS700082)', async (t) => {
  const { tenant, control, client } = await controlledTenant(t)
  const { result } = await signInWithCode(tenant, client, tenant.demoUser, { scopes: ['User.Read'] })
  await control.advanceClock(91 * 86_400)
  const failure = await failureOf(client.acquireTokenSilent({ account: result.account!, scopes: ['User.Read'], forceRefresh: true }))
  t.match(failure.errorMessage, /AADSTS700082: /)
})

t.test('CAE events over HTTP: revoked sessions and a disabled user refuse refresh tokens', async (t) => {
  const { tenant, control, client } = await controlledTenant(t)
  const { result } = await signInWithCode(tenant, client, tenant.demoUser, { scopes: ['User.Read'] })
  await control.revokeSessions(tenant.demoUser.email)
  const revoked = await failureOf(client.acquireTokenSilent({ account: result.account!, scopes: ['User.Read'], forceRefresh: true }))
  t.match(revoked.errorMessage, /AADSTS50173: /, 'revoke sessions')

  const again = await signInWithCode(tenant, client, tenant.demoUser, { scopes: ['User.Read'] })
  await control.disableUser(tenant.demoUser.email)
  const disabled = await failureOf(client.acquireTokenSilent({ account: again.result.account!, scopes: ['User.Read'], forceRefresh: true }))
  t.match(disabled.errorMessage, /AADSTS50057: /, 'a disabled user')
})

t.test('an admin password reset: only the new password signs in, and refresh tokens are revoked', async (t) => {
  const { tenant, control, client } = await controlledTenant(t)
  const { result } = await signInWithCode(tenant, client, tenant.demoUser, { scopes: ['User.Read'] })
  await control.resetPassword(tenant.demoUser.email, 'New-Passw0rd!42')
  const refreshed = await failureOf(client.acquireTokenSilent({ account: result.account!, scopes: ['User.Read'], forceRefresh: true }))
  t.match(refreshed.errorMessage, /AADSTS50173: /)
  await t.rejects(signInWithCode(tenant, client, tenant.demoUser, { scopes: ['User.Read'] }), { message: /Your password is incorrect/ }, 'the old password is refused')
  const fresh = await signInWithCode(tenant, client, { email: tenant.demoUser.email, password: 'New-Passw0rd!42' }, { scopes: ['User.Read'] })
  t.ok(fresh.result.accessToken)

  await control.reset()
  t.ok((await signInWithCode(tenant, client, tenant.demoUser, { scopes: ['User.Read'] })).result.accessToken, 'reset brings the tenant file\'s password back')
})

t.test('a user the tenant does not have is a 404 naming the address', async (t) => {
  const { control } = await controlledTenant(t)
  const refused = await failureOf<TestControlError>(control.revokeSessions('nobody@contoso.test'))
  t.equal(refused.status, 404)
  t.match(refused.message, /no user nobody@contoso\.test/)
})

t.test('the typed client works with any fetch, e.g. one that trusts the CA for the https origin', async (t) => {
  const { tenant, agent } = await controlledTenant(t)
  const control = new TenantTestControl(`${tenant.httpsOrigin}/_test/`, {
    fetch: ((input: string, init: object) => undiciFetch(input, { ...init, dispatcher: agent })) as unknown as typeof fetch,
  })
  t.same(await control.mailbox(), [])
})

