import type { FastifyInstance, FastifyServerOptions } from 'fastify'

/** How long a client may take, per connection, before the server cuts it off. */
export interface ServerTimeouts {
  /** The whole request, headers and body (Node answers 408). Fastify's default is 0: never. */
  requestMs: number
  /** The request headers alone (slowloris). */
  headersMs: number
  /** An idle keep-alive connection; above the idle timeout of a proxy in front (nginx: 60 s). */
  keepAliveMs: number
  /** The most a request may take to be answered, whatever its dependencies do (504 past it). */
  responseMs: number
}

export const defaultServerTimeouts: ServerTimeouts = { requestMs: 30_000, headersMs: 10_000, keepAliveMs: 72_000, responseMs: 20_000 }

/**
 * Fastify server options with the timeouts set. Node checks request and header deadlines on a
 * timer (30 s by default); it runs often enough here that a stalled body is cut off close to
 * its deadline.
 */
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

/**
 * A deadline on answering each request: past `responseMs` the request gets `answer()` (routed
 * through the role's error handler), even if a dependency never returns. Every call we make has
 * its own, shorter deadline; this is the backstop that makes "no hang" a property of the server.
 */
export function answerWithin(app: FastifyInstance, responseMs: number, answer: () => Error) {
  app.addHook('onRequest', (_request, reply, done) => {
    const timer = setTimeout(() => {
      if (!reply.sent) reply.send(answer())
    }, responseMs)
    reply.raw.once('close', () => clearTimeout(timer))
    done()
  })
}
