import { metrics } from '@opentelemetry/api'
import { MeterProvider, MetricReader, type SumMetricData } from '@opentelemetry/sdk-metrics'
import t from 'tap'
import { bffMetrics } from '../../../src/bff/metrics.ts'

// The BFF's counters: silent before telemetry starts, counted by their attributes after.

class ReadOnDemand extends MetricReader {
  protected async onShutdown() {}
  protected async onForceFlush() {}
}

/** Each counter's data points as "attr=value,…" → value. */
async function counted(reader: MetricReader): Promise<Record<string, Record<string, number>>> {
  const { resourceMetrics } = await reader.collect()
  const result: Record<string, Record<string, number>> = {}
  for (const metric of resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics) as SumMetricData[]) {
    result[metric.descriptor.name] = Object.fromEntries(metric.dataPoints.map((point) => [Object.entries(point.attributes).map(([key, value]) => `${key}=${value}`).join(','), point.value]))
  }
  return result
}

t.test('counts recorded before a meter provider exists go nowhere, and counting starts with the provider', async (t) => {
  bffMetrics.stepUp('challenged', 'token-endpoint-ca')
  const reader = new ReadOnDemand()
  const provider = new MeterProvider({ readers: [reader] })
  metrics.setGlobalMeterProvider(provider)
  t.teardown(async () => {
    await provider.shutdown()
    metrics.disable()
  })
  bffMetrics.stepUp('challenged', 'api-claims-challenge')
  bffMetrics.stepUp('started', undefined)
  bffMetrics.tokenAcquired('refresh')
  bffMetrics.upstreamFailed('store-busy')
  bffMetrics.upstreamFailed('graph-timeout')
  const counts = await counted(reader)
  t.same(counts['bff.step_ups'], { 'outcome=challenged,source=api-claims-challenge': 1, 'outcome=started,source=unknown': 1 })
  t.same(counts['bff.token_acquisitions'], { 'result=refresh': 1 })
  t.same(counts['bff.upstream_errors'], { 'upstream=store,failure=store-busy': 1, 'upstream=graph,failure=graph-timeout': 1 })
})
