import type { FastifyServerOptions } from 'fastify'

/** How long a client may take, per connection, before the tenant cuts it off. */
export interface ServerTimeouts {
  /** The whole request, headers and body (Node answers 408). Fastify's default is 0: never. */
  requestMs: number
  /** The request headers alone (slowloris). */
  headersMs: number
  /** An idle keep-alive connection; above the idle timeout of a proxy in front (nginx: 60 s). */
  keepAliveMs: number
}

export const defaultServerTimeouts: ServerTimeouts = { requestMs: 30_000, headersMs: 10_000, keepAliveMs: 72_000 }

/** Fastify server options with the timeouts set; Node checks them often enough to cut a stalled body near its deadline. */
export function withServerTimeouts<T extends FastifyServerOptions & { https?: object }>(options: T, timeouts: ServerTimeouts = defaultServerTimeouts): T {
  const node = {
    headersTimeout: Math.min(timeouts.headersMs, timeouts.requestMs),
    connectionsCheckingInterval: Math.max(100, Math.min(1_000, Math.floor(timeouts.headersMs / 4))),
  }
  return {
    ...options,
    requestTimeout: timeouts.requestMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    ...(options.https ? { https: { ...options.https, ...node } } : { http: node }),
  }
}
