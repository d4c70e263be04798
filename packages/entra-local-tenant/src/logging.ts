import type { FastifyServerOptions } from 'fastify'
import type { LogLevel } from './config.ts'

/** What pino blanks out wherever it appears in a log line: tokens, codes, secrets, cookies. */
const redactedPaths = [
  'req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]',
  '*.access_token', '*.refresh_token', '*.id_token', '*.client_secret', '*.client_assertion', '*.assertion', '*.password',
]

/** The tenant's own logger: JSON lines, request URLs without their query string (codes and state travel there). */
export function defaultLoggerOptions(level: LogLevel): FastifyServerOptions['logger'] {
  return {
    level,
    name: 'local-tenant',
    redact: { paths: redactedPaths, censor: '[redacted]' },
    serializers: {
      req(request) {
        return { method: request.method, url: String(request.url ?? '').split('?')[0], id: request.id, remoteAddress: request.ip }
      },
    },
  }
}
