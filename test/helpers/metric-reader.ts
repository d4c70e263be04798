import { metrics } from '@opentelemetry/api'
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics'
import type { Test } from 'tap'
import { withFreshGauges } from '../../src/lib/telemetry/fresh-gauges.ts'

// Metrics as telemetry reads them (otel-sdk.ts), collected when a test asks.

class ReadOnDemand extends MetricReader {
  protected async onShutdown() {}
  protected async onForceFlush() {}
}

/** A meter provider read on demand, the global one until the test ends. */
export function globalMeterForTest(t: Test): MetricReader {
  const reader = withFreshGauges(new ReadOnDemand())
  const provider = new MeterProvider({ readers: [reader] })
  metrics.setGlobalMeterProvider(provider)
  t.teardown(async () => {
    await provider.shutdown()
    metrics.disable()
  })
  return reader
}
