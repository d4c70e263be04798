// Which telemetry to start, read from the standard OpenTelemetry variables (and METRICS_PORT).
// Pure: importing this loads no OpenTelemetry SDK.

import type { FastifyInstance } from 'fastify'

export type OtlpProtocol = 'http/protobuf' | 'http/json'

/** The roles a process can run; each registers its request spans under its own service name. */
export type TelemetryRole = 'bff' | 'profile-service' | 'local-tenant'

/** The started SDK (otel-sdk.ts), as telemetry.ts drives it. */
export interface RunningTelemetry {
  instrument(app: FastifyInstance, role: TelemetryRole): Promise<void>
  shutdown(): Promise<void>
}

export interface TelemetryConfig {
  /** OTLP traces: on when an OTLP endpoint is set (and OTEL_TRACES_EXPORTER is not none). */
  traces?: { protocol: OtlpProtocol }
  /** OTLP metrics: on when an OTLP endpoint is set (and OTEL_METRICS_EXPORTER is not none). */
  otlpMetrics?: { protocol: OtlpProtocol }
  /** A Prometheus text endpoint on its own port, never on a role's public port. */
  prometheus?: { host: string; port: number }
  /** OTEL_SERVICE_NAME, when given. */
  serviceName?: string
}

type RawEnv = Record<string, string | undefined>

function protocolFor(env: RawEnv, signal: 'TRACES' | 'METRICS'): OtlpProtocol {
  const name = env[`OTEL_EXPORTER_OTLP_${signal}_PROTOCOL`] ? `OTEL_EXPORTER_OTLP_${signal}_PROTOCOL` : 'OTEL_EXPORTER_OTLP_PROTOCOL'
  const value = env[name]?.trim() || 'http/protobuf'
  if (value !== 'http/protobuf' && value !== 'http/json') {
    throw new Error(`${name} must be http/protobuf or http/json (got "${value}"); grpc is not supported here.`)
  }
  return value
}

function exporterOn(env: RawEnv, signal: 'TRACES' | 'METRICS'): boolean {
  const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT || env[`OTEL_EXPORTER_OTLP_${signal}_ENDPOINT`]
  const exporters = (env[`OTEL_${signal}_EXPORTER`] ?? 'otlp').split(',').map((name) => name.trim())
  return Boolean(endpoint) && exporters.includes('otlp')
}

/** Reads the variables once at boot; a bad value stops the process with the variable named. */
export function readTelemetryConfig(env: RawEnv): TelemetryConfig {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return {}
  const config: TelemetryConfig = {}
  if (exporterOn(env, 'TRACES')) config.traces = { protocol: protocolFor(env, 'TRACES') }
  if (exporterOn(env, 'METRICS')) config.otlpMetrics = { protocol: protocolFor(env, 'METRICS') }
  if (env.METRICS_PORT) {
    const port = Number(env.METRICS_PORT)
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`METRICS_PORT must be a port number (got "${env.METRICS_PORT}").`)
    config.prometheus = { host: env.METRICS_HOST || '127.0.0.1', port }
  }
  if (env.OTEL_SERVICE_NAME) config.serviceName = env.OTEL_SERVICE_NAME
  return config
}

export function telemetryWanted(config: TelemetryConfig): boolean {
  return Boolean(config.traces || config.otlpMetrics || config.prometheus)
}
