import Fastify from 'fastify'
import t from 'tap'
import { startOtlpSink } from '../../helpers/otlp-sink.ts'
import { instrumentRole, startTelemetry } from '../../../src/lib/telemetry/telemetry.ts'

// The default protocol, as production runs it without OTEL_EXPORTER_OTLP_PROTOCOL.

t.test('with only an endpoint set, traces and metrics are exported as OTLP http/protobuf', async (t) => {
  const sink = await startOtlpSink(t)
  for (const name of Object.keys(process.env).filter((key) => key.startsWith('OTEL_'))) delete process.env[name]
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT = sink.url
  const telemetry = await startTelemetry(process.env, ['profile-service'])
  t.teardown(() => telemetry.shutdown())
  const app = Fastify()
  await instrumentRole(app, 'profile-service')
  app.get('/things/:id', async () => ({ ok: true }))
  t.equal((await app.inject('/things/42?secret=x')).statusCode, 200)
  await app.close()
  await telemetry.shutdown()
  const traces = sink.received.filter((export_) => export_.path === '/v1/traces')
  const metrics = sink.received.filter((export_) => export_.path === '/v1/metrics')
  t.ok(traces.length > 0 && traces.every((export_) => export_.contentType === 'application/x-protobuf' && export_.bytes > 0), 'traces as protobuf')
  t.ok(metrics.length > 0 && metrics.every((export_) => export_.contentType === 'application/x-protobuf' && export_.bytes > 0), 'metrics as protobuf')
  const exported = sink.raw.join('')
  t.ok(exported.includes('GET /things/:id'), 'the span is named by the route template')
  t.notOk(exported.includes('secret=x'), 'without the query string')
})
