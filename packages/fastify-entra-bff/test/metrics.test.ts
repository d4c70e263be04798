import type { GaugeMetricData, MetricReader, SumMetricData } from '@opentelemetry/sdk-metrics'
import t from 'tap'
import { bffMetrics, observeActiveSessions } from '../src/metrics.ts'
import type { LiveSessions } from '../src/stores/live-sessions.ts'
import { globalMeterForTest } from '../../../test/helpers/metric-reader.ts'

// The BFF's counters: silent before telemetry starts, counted by their attributes after. The
// active sessions gauge: what the store says at each collection, or nothing.

/** Each counter's data points as "attr=value,…" → value. */
async function counted(reader: MetricReader): Promise<Record<string, Record<string, number>>> {
  const { resourceMetrics } = await reader.collect()
  const result: Record<string, Record<string, number>> = {}
  for (const metric of resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics) as SumMetricData[]) {
    result[metric.descriptor.name] = Object.fromEntries(metric.dataPoints.map((point) => [Object.entries(point.attributes).map(([key, value]) => `${key}=${value}`).join(','), point.value]))
  }
  return result
}

/** The active sessions gauge's data points at one collection, as "attr=value" → value. */
async function activeSessions(reader: MetricReader): Promise<Record<string, number>> {
  const { resourceMetrics } = await reader.collect()
  const gauge = resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics).find((metric) => metric.descriptor.name === 'bff.sessions.active') as GaugeMetricData | undefined
  return Object.fromEntries((gauge?.dataPoints ?? []).map((point) => [Object.entries(point.attributes).map(([key, value]) => `${key}=${value}`).join(','), point.value]))
}

t.test('counts recorded before a meter provider exists go nowhere, and counting starts with the provider', async (t) => {
  bffMetrics.stepUp('challenged', 'token-endpoint-ca')
  const reader = globalMeterForTest(t)
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

t.test('the active sessions gauge reports what the store counts at each collection, with the kind of store', async (t) => {
  const reader = globalMeterForTest(t)
  let count = 3
  observeActiveSessions({ store: 'redis', count: async () => count })
  t.same(await activeSessions(reader), { 'session.store=redis': 3 })
  count = 2
  t.same(await activeSessions(reader), { 'session.store=redis': 2 }, 'asked again at the next collection')
  const { resourceMetrics } = await reader.collect()
  const descriptor = resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics).find((metric) => metric.descriptor.name === 'bff.sessions.active')!.descriptor
  t.equal(descriptor.unit, '{session}')
  t.match(descriptor.description, /every replica reports the same number \(take one, do not sum\)/, 'operators are told not to sum the shared count')
})

t.test('a store that cannot say in time gives no observation, neither a zero nor its last count', async (t) => {
  const reader = globalMeterForTest(t)
  let answer: number | undefined = 4
  const sometimesSilent: LiveSessions = { store: 'redis', count: async () => answer }
  observeActiveSessions(sometimesSilent)
  t.same(await activeSessions(reader), { 'session.store=redis': 4 })
  answer = undefined
  t.same(await activeSessions(reader), {}, 'the last count is not exported again as if it were current')
  answer = 5
  t.same(await activeSessions(reader), { 'session.store=redis': 5 }, 'and it is back when the store answers')
})

t.test('a closed app\'s store is no longer asked', async (t) => {
  const reader = globalMeterForTest(t)
  let asked = 0
  const stop = observeActiveSessions({ store: 'memory', count: async () => ++asked })
  t.same(await activeSessions(reader), { 'session.store=memory': 1 })
  stop()
  t.same(await activeSessions(reader), {})
  t.equal(asked, 1)
})
