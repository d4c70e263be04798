import t from 'tap'
import type { IncomingMessage } from 'node:http'
import { asClientRequestId, requestIds, takePendingTraceId, traceIdOf, useTraceIdsAsRequestIds } from '../../../src/lib/telemetry/request-id.ts'

// Request ids: unique across replicas and restarts, and the trace id while tracing is on.

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
const incoming = (headers: Record<string, string>, url = '/') => ({ headers, url }) as unknown as IncomingMessage
const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'

t.afterEach(() => useTraceIdsAsRequestIds(false))

t.test('with tracing off every request gets a fresh UUID', async (t) => {
  const genReqId = requestIds({ acceptClientRequestId: false, acceptTraceContext: true })
  const ids = new Set(Array.from({ length: 100 }, () => genReqId(incoming({}))))
  t.equal(ids.size, 100)
  for (const id of ids) t.match(id, uuid)
})

t.test('an internal API keeps the caller\'s well-formed client-request-id, a public one does not', async (t) => {
  const given = '3f2c1d9e-8a7b-4c6d-9e0f-112233445566'
  t.equal(requestIds({ acceptClientRequestId: true, acceptTraceContext: true })(incoming({ 'client-request-id': given })), given)
  t.not(requestIds({ acceptClientRequestId: false, acceptTraceContext: true })(incoming({ 'client-request-id': given })), given)
  t.match(requestIds({ acceptClientRequestId: true, acceptTraceContext: true })(incoming({ 'client-request-id': 'bad id <script>' })), uuid, 'a malformed one is replaced')
})

t.test('with tracing on the request id is the incoming traceparent\'s trace id', async (t) => {
  useTraceIdsAsRequestIds(true)
  t.equal(requestIds({ acceptClientRequestId: true, acceptTraceContext: true })(incoming({ traceparent, 'client-request-id': 'caller-chosen-id' })), '4bf92f3577b34da6a3ce929d0e0e4736')
})

t.test('with tracing on and no traceparent the request id is the trace id offered to the request span', async (t) => {
  useTraceIdsAsRequestIds(true)
  const id = requestIds({ acceptClientRequestId: false, acceptTraceContext: true })(incoming({}))
  t.match(id, /^[0-9a-f]{32}$/)
  t.equal(takePendingTraceId(), id, 'the next root span takes it')
  t.equal(takePendingTraceId(), undefined, 'only once')
})

t.test('an offered trace id nobody took is withdrawn after the current turn', async (t) => {
  useTraceIdsAsRequestIds(true)
  requestIds({ acceptClientRequestId: false, acceptTraceContext: true })(incoming({}))
  await Promise.resolve()
  t.equal(takePendingTraceId(), undefined)
})

t.test('a malformed or all-zero traceparent is ignored', async (t) => {
  t.equal(traceIdOf('00-00000000000000000000000000000000-00f067aa0ba902b7-01'), undefined)
  t.equal(traceIdOf('00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01'), undefined)
  t.equal(traceIdOf('00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01'), undefined, 'upper case is not W3C')
  t.equal(traceIdOf(['a', 'b']), undefined)
  t.equal(traceIdOf(traceparent), '4bf92f3577b34da6a3ce929d0e0e4736')
})

t.test('Graph gets a trace id as a GUID, and any other id unchanged', async (t) => {
  t.equal(asClientRequestId('4bf92f3577b34da6a3ce929d0e0e4736'), '4bf92f35-77b3-4da6-a3ce-929d0e0e4736')
  t.equal(asClientRequestId('3f2c1d9e-8a7b-4c6d-9e0f-112233445566'), '3f2c1d9e-8a7b-4c6d-9e0f-112233445566')
})

t.test('the public edge drops a caller\'s trace context: the trace and the request id start here', async (t) => {
  useTraceIdsAsRequestIds(true)
  const request = incoming({ traceparent, tracestate: 'vendor=1', baggage: 'user=x' })
  const id = requestIds({ acceptClientRequestId: false, acceptTraceContext: false })(request)
  t.not(id, '4bf92f3577b34da6a3ce929d0e0e4736')
  t.same(request.headers, {}, 'the request span sees no traceparent, tracestate or baggage')
})

t.test('the client-request-id msal puts in the token request\'s query string is kept too', async (t) => {
  const given = '3f2c1d9e-8a7b-4c6d-9e0f-112233445566'
  t.equal(requestIds({ acceptClientRequestId: true, acceptTraceContext: true })(incoming({}, `/tid/oauth2/v2.0/token?client-request-id=${given}`)), given)
})
