import type { FastifyServerOptions } from 'fastify'
import type { LogLevel } from '../config/types.ts'

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
 * Logger options for every role: JSON lines (pretty only when a person watches a TTY and
 * pino-pretty is installed), level from config, request URLs without their query string
 * (authorization codes and state travel there).
 */
export function loggerOptions(level: LogLevel, role: string): FastifyServerOptions['logger'] {
  return {
    level,
    name: role,
    redact: { paths: redactedPaths, censor: '[redacted]' },
    serializers: {
      req(request) {
        // request.ip: the client's address, from X-Forwarded-For when TRUST_PROXY trusts the peer.
        return { method: request.method, url: String(request.url ?? '').split('?')[0], id: request.id, remoteAddress: request.ip }
      },
    },
  }
}
