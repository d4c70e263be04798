import t from 'tap'
import { readTelemetryConfig, telemetryWanted } from '../../../src/lib/telemetry/otel-config.ts'

// Which telemetry the standard OTEL_* variables (and METRICS_PORT) turn on.

t.test('without an OTLP endpoint or METRICS_PORT no telemetry is wanted', async (t) => {
  t.notOk(telemetryWanted(readTelemetryConfig({ OTEL_SERVICE_NAME: 'bff', OTEL_TRACES_SAMPLER: 'always_on' })))
})

t.test('OTEL_EXPORTER_OTLP_ENDPOINT turns on traces and metrics over http/protobuf by default', async (t) => {
  const config = readTelemetryConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })
  t.same(config.traces, { protocol: 'http/protobuf' })
  t.same(config.otlpMetrics, { protocol: 'http/protobuf' })
})

t.test('a traces-only endpoint turns on traces alone, with its own protocol', async (t) => {
  const config = readTelemetryConfig({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://jaeger:4318/v1/traces', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json' })
  t.same(config.traces, { protocol: 'http/json' })
  t.equal(config.otlpMetrics, undefined)
})

t.test('OTEL_TRACES_EXPORTER=none and OTEL_SDK_DISABLED=true turn exporting off', async (t) => {
  t.equal(readTelemetryConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_EXPORTER: 'none' }).traces, undefined)
  t.notOk(telemetryWanted(readTelemetryConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'true', METRICS_PORT: '9464' })))
})

t.test('grpc is refused at boot with the variable named', async (t) => {
  t.throws(() => readTelemetryConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }), /OTEL_EXPORTER_OTLP_PROTOCOL must be http\/protobuf or http\/json/)
})

t.test('METRICS_PORT opens the Prometheus endpoint on loopback unless METRICS_HOST says otherwise', async (t) => {
  t.same(readTelemetryConfig({ METRICS_PORT: '9464' }).prometheus, { host: '127.0.0.1', port: 9464 })
  t.same(readTelemetryConfig({ METRICS_PORT: '9464', METRICS_HOST: '0.0.0.0' }).prometheus, { host: '0.0.0.0', port: 9464 })
  t.throws(() => readTelemetryConfig({ METRICS_PORT: 'ninety' }), /METRICS_PORT must be a port number/)
})
