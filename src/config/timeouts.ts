import type { ServerTimeouts } from '../lib/server-timeouts.ts'
import type { Env } from './env-schema.ts'

/** The same server timeouts for every role: REQUEST_, HEADERS_, KEEP_ALIVE_TIMEOUT_SECONDS, RESPONSE_DEADLINE_SECONDS. */
export function serverTimeouts(env: Env): ServerTimeouts {
  return {
    requestMs: env.REQUEST_TIMEOUT_SECONDS * 1000,
    headersMs: env.HEADERS_TIMEOUT_SECONDS * 1000,
    keepAliveMs: env.KEEP_ALIVE_TIMEOUT_SECONDS * 1000,
    responseMs: env.RESPONSE_DEADLINE_SECONDS * 1000,
  }
}
