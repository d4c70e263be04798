import type { FastifyInstance } from 'fastify'
import { readTelemetryConfig, telemetryWanted, type RunningTelemetry, type TelemetryRole } from './otel-config.ts'
import { useTraceIdsAsRequestIds } from './request-id.ts'

// Telemetry for the process: started once before the roles are built (main.ts), registered by
// each role's build function with one line. Without OTEL_* exporters or METRICS_PORT nothing
// of the OpenTelemetry SDK is imported (the API alone is, and is a no-op).

export type { TelemetryRole }

let running: RunningTelemetry | undefined
let exportingMetrics = false

/** Starts the SDK the environment asks for; `shutdown` flushes what is buffered. */
export async function startTelemetry(env: Record<string, string | undefined>, roles: TelemetryRole[]): Promise<{ shutdown(): Promise<void> }> {
  const config = readTelemetryConfig(env)
  if (!telemetryWanted(config)) return { shutdown: async () => {} }
  if (running) throw new Error('telemetry is already running in this process')
  const { startOtel } = await import('./otel-sdk.ts')
  const started = await startOtel(config, roles)
  running = started
  useTraceIdsAsRequestIds(Boolean(config.traces))
  exportingMetrics = Boolean(config.otlpMetrics || config.prometheus)
  return {
    async shutdown() {
      if (running !== started) return
      running = undefined
      useTraceIdsAsRequestIds(false)
      exportingMetrics = false
      await started.shutdown()
    },
  }
}

/** The request span (route template as its name) and the request duration histogram, when telemetry runs. */
export async function instrumentRole(app: FastifyInstance, role: TelemetryRole): Promise<void> {
  await running?.instrument(app, role)
}

/** Whether metrics are exported (OTLP or Prometheus): work that only feeds a metric is done only then. */
export function metricsExported(): boolean {
  return exportingMetrics
}
