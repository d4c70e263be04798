import { trace } from '@opentelemetry/api'
import t from 'tap'
import { freePort } from '../../../harness/ports.ts'
import { startTelemetry } from '../../../src/lib/telemetry/telemetry.ts'

// A collector that is down must not stop a role from stopping cleanly and in time.

t.test('stopping while the collector is unreachable neither throws nor waits out the exporter\'s retries', async (t) => {
  for (const name of Object.keys(process.env).filter((key) => key.startsWith('OTEL_'))) delete process.env[name]
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT = `http://127.0.0.1:${await freePort()}` // nothing listens there
  const telemetry = await startTelemetry(process.env, ['bff'])
  trace.getTracer('test').startSpan('work').end()
  const started = performance.now()
  await t.resolves(telemetry.shutdown())
  t.ok(performance.now() - started < 5_000, 'bounded (the exporter alone would retry for 10 s)')
})
