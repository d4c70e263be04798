import { FastifyOtelInstrumentation } from '@fastify/otel'
import { context, metrics, propagation, trace, type Span, type TracerProvider } from '@opentelemetry/api'
import { RedisInstrumentation } from '@opentelemetry/instrumentation-redis'
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici'
import { detectResources, envDetector, resourceFromAttributes, type Resource } from '@opentelemetry/resources'
import { MeterProvider, PeriodicExportingMetricReader, type MetricReader } from '@opentelemetry/sdk-metrics'
import { BatchSpanProcessor, RandomIdGenerator, type SpanExporter } from '@opentelemetry/sdk-trace-base'
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { withFreshGauges } from './fresh-gauges.ts'
import type { OtlpProtocol, RunningTelemetry, TelemetryConfig, TelemetryRole } from './otel-config.ts'
import { takePendingTraceId } from './request-id.ts'
import { roleRoutedTracerProvider } from './role-routed-tracer.ts'
import { RedactingSpanProcessor } from './span-redaction.ts'

// The OpenTelemetry SDK, imported only when an OTEL_* exporter or METRICS_PORT is configured.
// Everything here is diagnostics_channel or Fastify-plugin based, so it works on Node's native
// ESM without an --import loader hook: @fastify/otel is a plugin each role registers, undici and
// node-redis publish their own diagnostics channels.

async function traceExporter(protocol: OtlpProtocol): Promise<SpanExporter> {
  if (protocol === 'http/json') return new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter()
  return new (await import('@opentelemetry/exporter-trace-otlp-proto')).OTLPTraceExporter()
}

async function metricReaders(config: TelemetryConfig): Promise<MetricReader[]> {
  const readers: MetricReader[] = []
  if (config.otlpMetrics) {
    const { OTLPMetricExporter } = config.otlpMetrics.protocol === 'http/json'
      ? await import('@opentelemetry/exporter-metrics-otlp-http')
      : await import('@opentelemetry/exporter-metrics-otlp-proto')
    const interval = Number(process.env.OTEL_METRIC_EXPORT_INTERVAL) || 60_000
    readers.push(new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter(), exportIntervalMillis: interval }))
  }
  if (config.prometheus) {
    const { PrometheusExporter } = await import('@opentelemetry/exporter-prometheus')
    const exporter = new PrometheusExporter({ host: config.prometheus.host, port: config.prometheus.port })
    await exporter.startServer()
    readers.push(exporter)
  }
  return readers
}

const shutdownDeadlineMs = 3_000

/** `GET /profile/:id` as the span name (the route template, never the raw URL), and the path without its query. */
function nameRequestSpan(span: Span, request: FastifyRequest) {
  const route = request.routeOptions.url
  span.updateName(route ? `${request.method} ${route}` : request.method)
  span.setAttribute('url.path', request.url.split('?')[0])
}

export async function startOtel(config: TelemetryConfig, roles: TelemetryRole[]): Promise<RunningTelemetry> {
  const base = detectResources({ detectors: [envDetector] })
  // One role per process (containers): OTEL_SERVICE_NAME or the role. Several (npm start): the
  // role is the service, OTEL_SERVICE_NAME their namespace.
  const resourceFor = (name: string): Resource => base.merge(resourceFromAttributes({
    'service.name': roles.length === 1 && config.serviceName ? config.serviceName : name,
    ...(roles.length > 1 && config.serviceName ? { 'service.namespace': config.serviceName } : {}),
  }))
  const processName = roles.length === 1 ? roles[0] : 'entra-edit-profile'

  const providers = new Map<TelemetryRole, NodeTracerProvider>()
  const instrumentations: { disable(): void }[] = []
  let processProvider: NodeTracerProvider | undefined
  if (config.traces) {
    const processor = new RedactingSpanProcessor(new BatchSpanProcessor(await traceExporter(config.traces.protocol)))
    const random = new RandomIdGenerator()
    const idGenerator = { generateTraceId: () => takePendingTraceId() ?? random.generateTraceId(), generateSpanId: () => random.generateSpanId() }
    const providerFor = (resource: Resource) => new NodeTracerProvider({ resource, idGenerator, spanProcessors: [processor] })
    const processResource = resourceFor(processName)
    processProvider = providerFor(processResource)
    processProvider.register() // W3C trace context propagator and the AsyncLocalStorage context manager
    const byResource = new Map<object, TracerProvider>([[processResource, processProvider]])
    for (const role of roles) {
      const resource = roles.length === 1 ? processResource : resourceFor(role)
      const provider = roles.length === 1 ? processProvider : providerFor(resource)
      providers.set(role, provider)
      byResource.set(resource, provider)
    }
    const routed = roleRoutedTracerProvider(byResource, processProvider)
    const undici = new UndiciInstrumentation()
    // Redis keys hold session ids and token cache keys: a span names the command only.
    const redis = new RedisInstrumentation({ dbStatementSerializer: (command) => command, requireParentSpan: true })
    for (const instrumentation of [undici, redis]) {
      instrumentation.setTracerProvider(routed)
      instrumentations.push(instrumentation)
    }
  }

  const readers = (await metricReaders(config)).map(withFreshGauges)
  const meterProvider = readers.length > 0 ? new MeterProvider({ resource: resourceFor(processName), readers }) : undefined
  if (meterProvider) metrics.setGlobalMeterProvider(meterProvider)
  const requestDuration = meterProvider?.getMeter('entra-edit-profile').createHistogram('http.server.request.duration', {
    unit: 's', description: 'Duration of HTTP server requests.',
    advice: { explicitBucketBoundaries: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10] },
  })

  const requestSpans = new Map<TelemetryRole, FastifyOtelInstrumentation>()
  return {
    async instrument(app: FastifyInstance, role: TelemetryRole) {
      const provider = providers.get(role)
      if (provider) {
        let plugin = requestSpans.get(role)
        if (!plugin) {
          // One span per request: hook and handler child spans would multiply the cost for little insight.
          plugin = new FastifyOtelInstrumentation({ instrumentHooks: false, instrumentHandler: false, requestHook: nameRequestSpan })
          plugin.setTracerProvider(provider)
          requestSpans.set(role, plugin)
        }
        await app.register(plugin.plugin())
      }
      if (requestDuration) {
        app.addHook('onResponse', async (request, reply) => {
          requestDuration.record(reply.elapsedTime / 1000, {
            'http.request.method': request.method,
            'http.response.status_code': reply.statusCode,
            ...(request.routeOptions.url ? { 'http.route': request.routeOptions.url } : {}),
            'service.role': role,
          })
        })
      }
    },
    async shutdown() {
      for (const instrumentation of instrumentations) instrumentation.disable()
      for (const plugin of requestSpans.values()) plugin.disable()
      // Flushing is best effort and bounded: an unreachable collector (the exporter retries for up
      // to 10 s) must neither crash a clean stop nor use up the graceful-shutdown delay.
      const stopping = [...new Set([...providers.values(), ...(processProvider ? [processProvider] : [])]), ...(meterProvider ? [meterProvider] : [])]
      let timer: NodeJS.Timeout | undefined
      const deadline = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), shutdownDeadlineMs).unref()))
      const outcome = await Promise.race([Promise.allSettled(stopping.map((provider) => provider.shutdown())), deadline])
      clearTimeout(timer)
      const failure = outcome === 'late' ? `not done in ${shutdownDeadlineMs} ms` : outcome.find((result) => result.status === 'rejected')?.reason
      if (failure) process.stderr.write(`telemetry: the last export did not complete at shutdown (${(failure as Error).message ?? failure})\n`)
      if (processProvider) {
        trace.disable()
        context.disable()
        propagation.disable()
      }
      if (meterProvider) metrics.disable()
    },
  }
}
