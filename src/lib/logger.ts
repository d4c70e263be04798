import { trace } from '@opentelemetry/api'
import type { FastifyServerOptions } from 'fastify'
import type { LogLevel } from '../config/types.ts'
import { developerConsole } from './developer-console.ts'

/** Paths pino blanks out wherever they appear in a log line: tokens, codes, secrets, cookies. */
export const redactedPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.access_token',
  '*.refresh_token',
  '*.id_token',
  '*.client_secret',
  '*.client_assertion',
  '*.assertion',
  '*.password',
  '*.accessToken',
  '*.idToken',
  '*.refreshToken',
]

/**
 * Errors as log fields: a fixed list of properties, never all of them. Node's HTTP parser errors
 * carry `rawPacket` (the request's bytes: cookies, Authorization, query string) as a byte array
 * that `redact` cannot see; Fastify logs those errors at trace level.
 */
export function serializeError(error: unknown): { type: string; message: string; stack: string; [key: string]: unknown } {
  if (!(error instanceof Error)) return { type: typeof error, message: String(error), stack: '' }
  const { code, statusCode } = error as Error & { code?: unknown; statusCode?: unknown }
  return {
    type: error.constructor.name, message: error.message, stack: error.stack ?? '',
    ...(code !== undefined ? { code } : {}), ...(statusCode !== undefined ? { statusCode } : {}),
    ...(error.cause !== undefined ? { cause: serializeError(error.cause) } : {}),
  }
}

/** The active span's ids on every log line while tracing is on (the API alone is a no-op without the SDK). */
export function traceFields(): Record<string, string> {
  const span = trace.getActiveSpan()
  if (!span) return {}
  const { traceId, spanId } = span.spanContext()
  return { trace_id: traceId, span_id: spanId }
}

/**
 * Logger options for every role: JSON lines, level from config, request URLs without their query string
 * (authorization codes and state travel there). On a terminal the same lines go through the
 * developer console (one short line each); chosen by the TTY, never by NODE_ENV.
 */
export function loggerOptions(level: LogLevel, role: string, terminal = process.stdout.isTTY === true): FastifyServerOptions['logger'] {
  return {
    ...(terminal ? { stream: developerConsole } : {}),
    level,
    name: role,
    redact: { paths: redactedPaths, censor: '[redacted]' },
    mixin: traceFields,
    serializers: {
      err: serializeError,
      req(request) {
        // request.ip: the client's address, from X-Forwarded-For when TRUST_PROXY trusts the peer.
        return { method: request.method, url: String(request.url ?? '').split('?')[0], id: request.id, remoteAddress: request.ip }
      },
    },
  }
}
