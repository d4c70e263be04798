import { get } from 'node:http'
import t from 'tap'
import { request } from 'undici'
import { BffBrowser, bffConfig } from '../../helpers/bff.ts'
import { startBffProcess } from '../../helpers/bff-process.ts'
import { startTestTenant } from '../../helpers/local-tenant.ts'
import { startOtlpSink } from '../../helpers/otlp-sink.ts'
import { freePort } from '../../../harness/ports.ts'
import { startTestProfileService } from '../../helpers/profile-service.ts'
import { startTelemetry } from '../../../src/lib/telemetry/telemetry.ts'

// Issue 17's "done when": the three roles export OTLP/http-json to a sink in this test; the BFF
// runs in its own process (as in production), the local tenant and the edit profile service in
// this one (as `npm start` runs roles together). Sign-in, step-up and save, then what arrived.

const jwtShape = /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/
const htmx = { htmx: true }

t.test('one save is one trace across the BFF, the edit profile service and the local tenant, with nothing secret in it', async (t) => {
  const sink = await startOtlpSink(t)
  Object.assign(process.env, {
    OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_TRACES_SAMPLER: 'always_on',
    OTEL_METRICS_EXPORTER: 'none', OTEL_BSP_SCHEDULE_DELAY: '200',
  })
  const telemetry = await startTelemetry(process.env, ['local-tenant', 'profile-service'])
  t.teardown(() => telemetry.shutdown())
  const tenant = await startTestTenant(t)
  const service = await startTestProfileService(t, tenant)
  const port = await freePort()
  const metricsPort = await freePort()
  const config = bffConfig(tenant, port, service.url, { logLevel: 'trace' })
  tenant.testing.registerRedirectUris(tenant.apps.bff.clientId, { redirectUris: [config.redirectUri], postLogoutRedirectUris: [config.postLogoutRedirectUri] })
  const bff = await startBffProcess(t, config, { METRICS_PORT: String(metricsPort) })

  const browser = new BffBrowser(config.publicOrigin, tenant)
  const authorize = (path: string) => browser.authorize(path)
  const codes = browser.authorizationCodes
  t.equal((await authorize('/auth/sign-in?returnTo=%2Fprofile')).location, '/profile')
  t.equal((await browser.get('/profile')).status, 200)
  t.equal((await browser.send('PATCH', '/profile', { ...htmx, form: { displayName: 'Traced Name', givenName: 'Traced', surname: 'Name' } })).status, 401, 'the save asks for MFA')
  t.equal((await authorize('/auth/step-up')).location, '/profile?edit=1')
  t.equal((await browser.get('/profile?edit=1')).status, 200)
  const saved = await browser.send('PATCH', '/profile', { ...htmx, form: { displayName: 'Traced Name', givenName: 'Traced', surname: 'Name' } })
  t.equal(saved.status, 200, 'saved after step-up')
  const sessionCookie = [...browser.cookies.values()][0]
  // node:http is not instrumented: this request comes without a traceparent at all.
  await new Promise<void>((resolve, reject) => get(`${config.publicOrigin}/healthz`, (response) => response.resume().on('end', resolve)).on('error', reject))

  const scraped = await request(`http://127.0.0.1:${metricsPort}/metrics`)
  const metricsText = await scraped.body.text()
  await bff.stop()
  await telemetry.shutdown()

  const saveSpan = sink.spans.filter((span) => span.service === 'bff' && span.name === 'PATCH /profile' && span.attributes['http.response.status_code'] === 200)
  t.equal(saveSpan.length, 1, 'the BFF exported one span for the successful save, named by its route')
  const traceId = saveSpan[0].traceId
  const trace = sink.spans.filter((span) => span.traceId === traceId)
  const services = new Set(trace.map((span) => span.service))
  t.same([...services].sort(), ['bff', 'local-tenant', 'profile-service'], 'the save trace spans all three roles')
  t.equal(saveSpan[0].parentSpanId, undefined, 'it starts at the BFF, the public edge (this test\'s instrumented client sent a traceparent)')
  t.ok(trace.some((span) => span.service === 'profile-service' && span.name === 'PATCH /me'), 'the service span is in the trace')
  t.ok(trace.some((span) => span.service === 'local-tenant' && span.name === 'POST /:tenant/oauth2/v2.0/token'), 'the on-behalf-of token call reached the tenant in the trace')
  t.ok(trace.some((span) => span.service === 'local-tenant' && span.name === 'PATCH /v1.0/me'), 'the Graph update is in the trace')
  t.ok(trace.some((span) => span.service === 'bff' && span.kind === 3 && String(span.attributes['url.full']).startsWith(service.url)), 'the BFF client span to the service is in the trace')

  const exported = sink.raw.join('\n')
  t.notMatch(exported, jwtShape, 'no JWT in any span')
  t.notOk(codes.some((code) => exported.includes(code)), 'no authorization code in any span')
  t.notOk(exported.includes(tenant.apps.bff.clientSecret) || exported.includes(tenant.apps.profileService.clientSecret), 'no client secret in any span')
  t.notOk(exported.includes(sessionCookie.split('.')[0]), 'no session id in any span')
  t.notMatch(exported, /"key":"url\.query"|"key":"http\.request\.header\./, 'no query string or header attribute')
  t.notOk(sink.spans.some((span) => Object.values(span.attributes).some((value) => typeof value === 'string' && /[?&](code|state|client_secret)=/.test(value))), 'no URL with a query string')

  const log = bff.output.join('\n')
  const saveLine = bff.output.map((line) => { try { return JSON.parse(line) } catch { return undefined } })
    .find((entry) => entry?.msg === 'incoming request' && entry.req?.method === 'PATCH' && entry.reqId === traceId)
  t.ok(saveLine, 'the save\'s request id in the BFF log is its trace id')
  t.match(log, new RegExp(`"trace_id":"${traceId}","span_id":"[0-9a-f]{16}"`), 'log lines inside the request carry trace_id and span_id')
  const untraced = bff.output.map((line) => { try { return JSON.parse(line) } catch { return undefined } })
    .find((entry) => entry?.msg === 'incoming request' && entry.req?.url === '/healthz')
  const rootSpan = sink.spans.find((span) => span.service === 'bff' && span.name === 'GET /healthz')
  t.equal(rootSpan?.traceId, untraced?.reqId, 'a request without traceparent gets a new trace id, and it is the request id')
  t.equal(rootSpan?.parentSpanId, undefined, 'and its span is a root')
  t.notMatch(log, jwtShape, 'no JWT in the BFF log')
  t.notOk(codes.some((code) => log.includes(code)), 'no authorization code in the BFF log')

  const count = (outcome: string, source: string) => Number(metricsText.match(new RegExp(`^bff_step_ups_total\\{[^}]*outcome="${outcome}",source="${source}"[^}]*\\} (\\d+)`, 'm'))?.[1] ?? 0)
  t.equal(count('challenged', 'token-endpoint-ca'), 1, 'one step-up challenged by Conditional Access at the token endpoint')
  t.equal(count('started', 'token-endpoint-ca'), 1, 'one step-up started')
  t.equal(count('completed', 'token-endpoint-ca'), 1, 'one step-up completed')
  const tokens = (result: string) => Number(metricsText.match(new RegExp(`^bff_token_acquisitions_total\\{result="${result}"[^}]*\\} (\\d+)`, 'm'))?.[1] ?? 0)
  t.equal(tokens('interaction_required'), 1, 'one token acquisition needed interaction (the step-up)')
  t.ok(tokens('cache_hit') >= 1, 'later ones came from the cache')
  t.match(metricsText, /^http_server_request_duration_count\{[^}]*http_route="\/profile"[^}]*\} \d+/m, 'request durations are recorded per route')
  t.match(metricsText, /^bff_sessions_active\{session_store="memory"[^}]*\} 1$/m, 'one active session: the signed-in user\'s')
})
