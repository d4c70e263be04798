import { trace } from '@opentelemetry/api'
import t from 'tap'
import { freePort } from '../../../harness/ports.ts'
import { startTelemetry } from '../../../src/lib/telemetry/telemetry.ts'

// A collector that is down must not stop a role from stopping cleanly and in time.

/** How long the OTLP exporter keeps retrying an export on its own. */
const exporterRetriesMs = 10_000

t.test('stopping while the collector is unreachable neither throws nor waits out the exporter\'s retries', async (t) => {
  for (const name of Object.keys(process.env).filter((key) => key.startsWith('OTEL_'))) delete process.env[name]
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT = `http://127.0.0.1:${await freePort()}` // nothing listens there
  const telemetry = await startTelemetry(process.env, ['bff'])
  trace.getTracer('test').startSpan('work').end()
  // Which comes first, our shutdown or a timer as long as the exporter's own retries: decided by
  // the order timers expire in, not by how fast a loaded machine runs.
  let timer: NodeJS.Timeout | undefined
  const exporterStillRetrying = new Promise<string>((resolve) => (timer = setTimeout(() => resolve('the exporter gave up first'), exporterRetriesMs)))
  const first = await Promise.race([telemetry.shutdown().then(() => 'stopped'), exporterStillRetrying])
  clearTimeout(timer)
  t.equal(first, 'stopped', 'bounded by its own deadline (the exporter alone would retry for 10 s)')
})
