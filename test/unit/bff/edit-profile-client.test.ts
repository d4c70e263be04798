import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import t, { type Test } from 'tap'
import { Agent } from 'undici'
import { ClaimsChallengeError } from '../../../packages/fastify-entra-bff/src/claims-challenge-error.ts'
import { createEditProfileClient } from '../../../src/bff/edit-profile-client.ts'
import { SignInRequiredError } from '../../../packages/fastify-entra-bff/src/identity.ts'
import { timerMark } from '../../helpers/timer-mark.ts'

// How the BFF reads each answer of the edit profile service's PATCH /me. A real HTTP server on
// loopback plays the service, so the client's parsing of status, headers and body is exercised.

type Answer = (request: IncomingMessage, response: ServerResponse, body: string) => void

async function serviceAnswering(t: Test, answer: Answer, agentOptions: Agent.Options = {}) {
  const seen: { method?: string; url?: string; authorization?: string; requestId?: string; body?: string }[] = []
  const server = createServer((request, response) => {
    let body = ''
    request.on('data', (chunk) => (body += chunk))
    request.on('end', () => {
      seen.push({ method: request.method, url: request.url, authorization: request.headers.authorization, requestId: String(request.headers['client-request-id']), body })
      answer(request, response, body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const dispatcher = new Agent(agentOptions)
  t.teardown(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
    await dispatcher.close()
  })
  const { port } = server.address() as { port: number }
  return { seen, client: (timeoutMs?: number) => createEditProfileClient({ baseUrl: `http://127.0.0.1:${port}`, dispatcher, timeoutMs }) }
}

const json = (response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
  response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body))

const saved = { id: 'user-1', displayName: 'Ada', givenName: 'Ada', surname: 'Lovelace', mail: 'ada@contoso.test' }

t.test('a 200 is a saved profile, and the request carried the bearer token, request id and JSON changes', async (t) => {
  const service = await serviceAnswering(t, (_request, response) => json(response, 200, saved))
  const outcome = await service.client().save('the-access-token', 'req-7', { displayName: 'Ada' })
  t.same(outcome, { kind: 'saved', profile: saved })
  t.same(service.seen, [{ method: 'PATCH', url: '/me', authorization: 'Bearer the-access-token', requestId: 'req-7', body: '{"displayName":"Ada"}' }])
})

const claimsChallenge = (claims: string) =>
  `Bearer realm="", error="insufficient_claims", claims="${Buffer.from(claims).toString('base64')}", authorization_uri="https://login.example/authorize"`

t.test('a 401 insufficient_claims challenge is thrown as a claims challenge from the API, with the decoded claims', async (t) => {
  const claims = '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}'
  const service = await serviceAnswering(t, (_request, response) =>
    json(response, 401, { error: { code: 'insufficient_claims', message: 'MFA required' } }, { 'www-authenticate': claimsChallenge(claims) }))
  const thrown = await service.client().save('token', 'req', { surname: 'X' }).catch((error: unknown) => error)
  t.type(thrown, ClaimsChallengeError)
  t.match(thrown, { claims, source: 'api-claims-challenge' })
})

t.test('a relayed CAE challenge (a token newer than a revocation) is thrown as a claims challenge from CAE', async (t) => {
  const claims = '{"access_token":{"nbf":{"essential":true,"value":"1700000000"}}}'
  const service = await serviceAnswering(t, (_request, response) =>
    json(response, 401, { error: { code: 'insufficient_claims', message: 'Sign in again' } }, { 'www-authenticate': claimsChallenge(claims) }))
  const thrown = await service.client().save('token', 'req', { surname: 'X' }).catch((error: unknown) => error)
  t.type(thrown, ClaimsChallengeError)
  t.match(thrown, { claims, source: 'cae' })
})

t.test('a 401 without a claims challenge is not a step-up', async (t) => {
  const service = await serviceAnswering(t, (_request, response) =>
    json(response, 401, { error: { code: 'invalid_token', message: 'The token has expired.' } }, { 'www-authenticate': 'Bearer error="invalid_token"' }))
  t.same(await service.client().save('token', 'req', { surname: 'X' }), { kind: 'failed', failure: 'service-failed', status: 401 })
})

t.test('a 401 user_not_accepted (the tenant no longer accepts the user) asks for sign-in again', async (t) => {
  const service = await serviceAnswering(t, (_request, response) =>
    json(response, 401, { error: { code: 'user_not_accepted', message: 'The tenant does not accept this token for its user.' } }, { 'www-authenticate': 'Bearer error="invalid_token"' }))
  await t.rejects(service.client().save('token', 'req', { surname: 'X' }), SignInRequiredError)
})

t.test('a 422 carries the rule each field broke, never the service\'s sentences', async (t) => {
  const service = await serviceAnswering(t, (_request, response) =>
    json(response, 422, { error: { code: 'invalid_profile', message: 'Check the fields.', details: { displayName: 'Display name is required.', givenName: 'Given name must be at most 64 characters.' }, problems: { displayName: { rule: 'required' }, givenName: { rule: 'maxLength', max: 64 }, surname: { rule: 'made-up' } } } }))
  t.same(await service.client().save('token', 'req', { displayName: null }), {
    kind: 'invalid', problems: { displayName: { rule: 'required' }, givenName: { rule: 'maxLength', max: 64 } },
  }, 'a rule we cannot word is dropped')
})

t.test('a 422 without a field rule (Graph refused the change) is a refusal with its code only', async (t) => {
  const service = await serviceAnswering(t, (_request, response) =>
    json(response, 422, { error: { code: 'graph_rejected_change', message: 'Invalid value specified for property \'surname\' of resource \'User\'.' } }))
  t.same(await service.client().save('token', 'req', { surname: 'X' }), { kind: 'refused', code: 'graph_rejected_change' })
})

t.test('a 409 carries the value saved meanwhile per conflicting field, and the request named the expected values', async (t) => {
  const service = await serviceAnswering(t, (_request, response) =>
    json(response, 409, { error: { code: 'profile_conflict', message: 'Changed elsewhere.', conflicts: { surname: { expected: 'Old', current: 'Theirs', requested: 'Mine' }, givenName: { expected: 'A', current: null, requested: 'B' } } } }))
  t.same(await service.client().save('token', 'req', { surname: 'Mine', givenName: 'B', expected: { surname: 'Old', givenName: 'A' } }), {
    kind: 'conflict', conflicts: { givenName: { current: null }, surname: { current: 'Theirs' } },
  })
  t.same(JSON.parse(service.seen[0]!.body!), { surname: 'Mine', givenName: 'B', expected: { surname: 'Old', givenName: 'A' } })
})

t.test('a 5xx with an unreadable body is a failed save with its status', async (t) => {
  const service = await serviceAnswering(t, (_request, response) => response.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad gateway</h1>'))
  t.same(await service.client().save('token', 'req', { surname: 'X' }), { kind: 'failed', failure: 'service-failed', status: 502 })
})

t.test('a service that does not answer in time is a timeout', async (t) => {
  const service = await serviceAnswering(t, () => {})
  t.same(await service.client(50).save('token', 'req', { surname: 'X' }), { kind: 'failed', failure: 'service-timeout' })
})

t.test('a service that cannot be reached is unreachable', async (t) => {
  const dispatcher = new Agent()
  t.teardown(() => dispatcher.close())
  const client = createEditProfileClient({ baseUrl: 'http://127.0.0.1:1', dispatcher })
  t.same(await client.save('token', 'req', { surname: 'X' }), { kind: 'failed', failure: 'service-unreachable' })
})

t.test('a hung service is a timeout at the client deadline, not "unreachable" at the shared agent header timeout', async (t) => {
  // The shared agent's header timeout (10 s in production) is shorter than the service deadline (15 s).
  const service = await serviceAnswering(t, () => {}, { headersTimeout: 20 })
  const notBefore = timerMark(250)
  t.same(await service.client(300).save('token', 'req', { surname: 'X' }), { kind: 'failed', failure: 'service-timeout' })
  t.ok(notBefore.passed, 'the client waited for its own deadline')
})
