import { AggregationTemporality, InstrumentType, type MetricReader } from '@opentelemetry/sdk-metrics'

// An observable gauge that is not observed at a collection (a store that cannot say how many
// sessions it holds) must not be exported: the spec says an SDK SHOULD NOT export an attribute
// set its callback did not observe. With cumulative temporality (Prometheus always, OTLP by
// default) sdk-metrics 2.x keeps exporting the last value it saw, stamped as current; with delta
// it exports what this collection observed only. A gauge's value is the same either way, so
// asynchronous gauges are read as delta and everything else keeps the reader's temporality.

export function withFreshGauges<Reader extends MetricReader>(reader: Reader): Reader {
  const temporalityOf = reader.selectAggregationTemporality.bind(reader)
  reader.selectAggregationTemporality = (instrumentType) =>
    instrumentType === InstrumentType.OBSERVABLE_GAUGE ? AggregationTemporality.DELTA : temporalityOf(instrumentType)
  return reader
}
