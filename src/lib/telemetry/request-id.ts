import { randomBytes, randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

// Request ids unique across replicas and restarts. With tracing on, a request's id is its trace
// id, so the support id a user quotes finds the trace, and every log line of the request.

const traceparentShape = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/
const clientRequestIdShape = /^[\w-]{8,64}$/

let tracing = false
let pendingTraceId: string | undefined

/** Called once when the tracing SDK starts (telemetry.ts): ids become trace ids from then on. */
export function useTraceIdsAsRequestIds(on: boolean) {
  tracing = on
}

/** The trace id of a valid W3C traceparent header, or undefined. */
export function traceIdOf(traceparent: unknown): string | undefined {
  if (typeof traceparent !== 'string') return undefined
  const match = traceparentShape.exec(traceparent.trim())
  if (!match || /^0+$/.test(match[1]) || /^0+$/.test(match[2])) return undefined
  return match[1]
}

/**
 * The trace id the next new root span takes (the SDK's id generator asks, otel-sdk.ts). Fastify
 * calls genReqId and then, synchronously, the request span's onRequest hook; the id is offered
 * for that one turn of the event loop only, so no other span can ever take it.
 */
export function takePendingTraceId(): string | undefined {
  const id = pendingTraceId
  pendingTraceId = undefined
  return id
}

/** msal sends its correlation id as a `client-request-id` query parameter on token requests. */
function clientRequestIdInQuery(url: string | undefined): string | undefined {
  if (!url?.includes('client-request-id=')) return undefined
  return new URLSearchParams(url.slice(url.indexOf('?') + 1)).get('client-request-id') ?? undefined
}

function newTraceId(): string {
  let id = randomBytes(16).toString('hex')
  while (/^0+$/.test(id)) id = randomBytes(16).toString('hex')
  pendingTraceId = id
  queueMicrotask(() => {
    if (pendingTraceId === id) pendingTraceId = undefined
  })
  return id
}

/**
 * Fastify's genReqId for a role. Tracing on: the incoming traceparent's trace id, else a fresh
 * one the request span will carry. Tracing off: a UUID. `acceptClientRequestId` (internal APIs,
 * the tenant) keeps a caller's well-formed `client-request-id`, as Microsoft's services do.
 * Without `acceptTraceContext` (the public edge) a caller's trace context is removed before the
 * request span reads it: outsiders neither choose our trace and request ids nor force sampling.
 */
export function requestIds(options: { acceptClientRequestId: boolean; acceptTraceContext: boolean }) {
  return (request: IncomingMessage): string => {
    if (!options.acceptTraceContext) {
      delete request.headers.traceparent
      delete request.headers.tracestate
      delete request.headers.baggage
    }
    if (tracing) {
      const traceId = traceIdOf(request.headers.traceparent)
      if (traceId) return traceId
    }
    if (options.acceptClientRequestId) {
      const given = request.headers['client-request-id'] ?? clientRequestIdInQuery(request.url)
      if (typeof given === 'string' && clientRequestIdShape.test(given)) return given
    }
    return tracing ? newTraceId() : randomUUID()
  }
}

/** A request id as the GUID Microsoft's services expect in client-request-id (a trace id is 32 hex digits). */
export function asClientRequestId(requestId: string): string {
  return /^[0-9a-f]{32}$/.test(requestId)
    ? `${requestId.slice(0, 8)}-${requestId.slice(8, 12)}-${requestId.slice(12, 16)}-${requestId.slice(16, 20)}-${requestId.slice(20)}`
    : requestId
}
