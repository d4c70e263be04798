import type { FastifyInstance, FastifyReply, FastifyServerOptions } from 'fastify'

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
 *
 * One timer for all requests instead of one per request (a timer and a close listener each, on
 * the BFF's hot path): every deadline is arrival + responseMs, so requests in arrival order are
 * in deadline order, and the timer only ever waits for the oldest one still open.
 */
export function answerWithin(app: FastifyInstance, responseMs: number, answer: () => Error) {
  const open = new Map<FastifyReply, number>()
  let timer: NodeJS.Timeout | undefined
  const arm = () => {
    const oldest = open.values().next()
    // Unref: an open request holds its socket, and that keeps the process alive.
    timer = oldest.done ? undefined : setTimeout(sweep, Math.max(0, oldest.value - Date.now())).unref()
  }
  function sweep() {
    const now = Date.now()
    for (const [reply, deadline] of open) {
      if (deadline > now) break
      open.delete(reply)
      // Not answered, and the client is still there (an aborted request only leaves the map).
      if (reply.sent || reply.raw.destroyed) continue
      // A body still arriving (a slow upload): close the connection after the answer, or Node's
      // request timeout would later write a stray 408 on the same socket.
      if (!reply.request.raw.complete) reply.header('connection', 'close')
      reply.send(answer())
    }
    arm()
  }
  app.addHook('onRequest', (_request, reply, done) => {
    open.set(reply, Date.now() + responseMs)
    if (!timer) arm()
    done()
  })
  app.addHook('onResponse', (_request, reply, done) => {
    open.delete(reply)
    done()
  })
  app.addHook('onClose', (_app, done) => {
    clearTimeout(timer)
    timer = undefined
    open.clear()
    done()
  })
}
