import Fastify from 'fastify'
import t, { type Test } from 'tap'
import { request } from 'undici'
import { claimsFromChallenge } from '../../../packages/fastify-entra-bff/src/claims-challenge.ts'
import { startTestTenant } from '../../helpers/local-tenant.ts'
import { startTestProfileService, userTokenForService } from '../../helpers/profile-service.ts'

// Graph is the edge we cannot run for real in these cases, so a stand-in answers the failure;
// the tenant, the token and the OBO exchange stay real.

const caeClaims = '{"access_token":{"nbf":{"essential":true, "value":"1604106651"}}}'

async function startFailingGraph(t: Test) {
  const graph = Fastify()
  const seenRequestIds: string[] = []
  // A hung Graph: the PATCH is held until the test ends, however slow the machine, instead of a sleep.
  const hung: Array<() => void> = []
  graph.addHook('onRequest', async (request) => {
    seenRequestIds.push(String(request.headers['client-request-id']))
  })
  graph.get('/v1.0/me', async () => ({ id: 'u1', displayName: 'Traced', givenName: null, surname: null, mail: 'traced@example.com' }))
  graph.patch('/v1.0/me', async (request, reply) => {
    const mode = (request.body as { displayName?: string }).displayName
    if (mode === 'traced') return reply.code(204).send()
    if (mode === 'bad-request') return reply.code(400).send({ error: { code: 'Request_BadRequest', message: "Invalid value specified for property 'displayName'." } })
    if (mode === 'unauthorized') return reply.code(401).send({ error: { code: 'InvalidAuthenticationToken', message: 'Access token validation failure.' } })
    if (mode === 'revoked') {
      // Graph's CAE answer to a token issued before the user's sessions were revoked.
      return reply.code(401).header('www-authenticate', `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000", error="insufficient_claims", claims="${Buffer.from(caeClaims).toString('base64')}"`)
        .send({ error: { code: 'InvalidAuthenticationToken', message: 'Continuous access evaluation resulted in challenge with result: InteractionRequired and code: TokenIssuedBeforeRevocationTimestamp' } })
    }
    if (mode === 'throttled') return reply.code(429).header('retry-after', '10').send({ error: { code: 'TooManyRequests', message: 'Too many requests.' } })
    if (mode === 'forbidden') return reply.code(403).send({ error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' } })
    if (mode === 'down') return reply.code(503).send({ error: { code: 'serviceNotAvailable', message: 'Service unavailable' } })
    await new Promise<void>((resolve) => hung.push(resolve))
    return reply.code(204).send()
  })
  t.teardown(() => {
    for (const release of hung) release()
    return graph.close()
  })
  await graph.listen({ host: '127.0.0.1', port: 0 })
  const address = graph.server.address()
  return { graphBaseUrl: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/v1.0`, seenRequestIds }
}

async function save(url: string, token: string, displayName: string, clientRequestId?: string) {
  const response = await request(`${url}/me`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(clientRequestId ? { 'client-request-id': clientRequestId } : {}) },
    body: JSON.stringify({ displayName }),
  })
  return { status: response.statusCode, body: (await response.body.json()) as { displayName?: string; error: { code: string; message: string } } }
}

t.test('Graph failures map to honest statuses', async (t) => {
  const tenant = await startTestTenant(t)
  const { accessToken } = await userTokenForService(tenant)
  const { graphBaseUrl, seenRequestIds } = await startFailingGraph(t)
  const service = await startTestProfileService(t, tenant, { graphBaseUrl })

  t.test('the caller’s client-request-id reaches Graph on every call', async (t) => {
    const { status, body } = await save(service.url, accessToken, 'traced', 'bff-trace-0002')
    t.equal(status, 200)
    t.equal(body.displayName, 'Traced')
    t.same(seenRequestIds.slice(-2), ['bff-trace-0002', 'bff-trace-0002'], 'PATCH then GET')
  })

  t.test('Graph 400 becomes 422 with Graph’s message', async (t) => {
    const { status, body } = await save(service.url, accessToken, 'bad-request')
    t.equal(status, 422)
    t.match(body.error.message, /Invalid value specified for property 'displayName'/)
  })
  t.test('Graph 401 becomes 502 saying Graph refused the token', async (t) => {
    const { status, body } = await save(service.url, accessToken, 'unauthorized')
    t.equal(status, 502)
    t.equal(body.error.code, 'graph_refused_token')
  })
  t.test('a CAE claims challenge from Graph is relayed to the caller as 401 insufficient_claims with the same claims', async (t) => {
    const response = await request(`${service.url}/me`, {
      method: 'PATCH', headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ displayName: 'revoked' }),
    })
    const body = (await response.body.json()) as { error: { code: string } }
    t.equal(response.statusCode, 401)
    t.equal(body.error.code, 'insufficient_claims')
    t.equal(claimsFromChallenge(response.headers['www-authenticate']), caeClaims, 'the caller passes these claims to msal')
    t.match(String(response.headers['www-authenticate']), /client_id="[0-9a-f-]{36}"/, 'named as the service, like its MFA challenges')
  })
  t.test('Graph 429 becomes 503 (try again), not a validation error', async (t) => {
    const { status, body } = await save(service.url, accessToken, 'throttled')
    t.equal(status, 503)
    t.equal(body.error.code, 'graph_throttled')
  })
  t.test('Graph 403 becomes 502 saying Graph refused the token', async (t) => {
    const { status, body } = await save(service.url, accessToken, 'forbidden')
    t.equal(status, 502)
    t.equal(body.error.code, 'graph_refused_token')
  })
  t.test('Graph 5xx becomes 502', async (t) => {
    const { status, body } = await save(service.url, accessToken, 'down')
    t.equal(status, 502)
    t.equal(body.error.code, 'graph_unavailable')
  })
})

t.test('a Graph that does not answer in time becomes 504', async (t) => {
  const tenant = await startTestTenant(t)
  const { accessToken } = await userTokenForService(tenant)
  const { graphBaseUrl } = await startFailingGraph(t)
  const service = await startTestProfileService(t, tenant, { graphBaseUrl, graphTimeoutMs: 300 })
  const { status, body } = await save(service.url, accessToken, 'slow')
  t.equal(status, 504)
  t.equal(body.error.code, 'graph_timeout')
})

t.test('a Graph that refuses connections becomes 502', async (t) => {
  const tenant = await startTestTenant(t)
  const { accessToken } = await userTokenForService(tenant)
  const service = await startTestProfileService(t, tenant, { graphBaseUrl: 'http://127.0.0.1:9/v1.0' })
  const { status, body } = await save(service.url, accessToken, 'anyone')
  t.equal(status, 502)
  t.equal(body.error.code, 'graph_unavailable')
})
