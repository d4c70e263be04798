import type { Context } from '@opentelemetry/api'
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base'

// Spans leave the process without query strings (authorization codes, state and tokens travel
// there) and without headers (Authorization, cookies). Every span passes here before export,
// whatever instrumentation made it.

const withoutQuery = ['url.full', 'url.path', 'http.url', 'http.target', 'url.original']
const dropped = ['url.query', 'http.request.body', 'http.response.body']
const droppedPrefixes = ['http.request.header.', 'http.response.header.', 'db.query.parameter.']
// Redis keys hold session ids and token cache keys: a database statement keeps its command only.
const commandOnly = ['db.statement', 'db.query.text']
// Last line of defence for free text (exception messages, stack traces): anything JWT-shaped.
const jwt = /eyJ[\w-]{4,}\.[\w-]{4,}(\.[\w-]*)?/g

/** The URL or path before its query string and fragment. */
function stripQuery(value: string): string {
  return value.split(/[?#]/, 1)[0]
}

/** Removes what must never be exported from attributes, in place. */
export function redactAttributes(attributes: Record<string, unknown>) {
  for (const key of Object.keys(attributes)) {
    if (dropped.includes(key) || droppedPrefixes.some((prefix) => key.startsWith(prefix))) delete attributes[key]
    else if (withoutQuery.includes(key) && typeof attributes[key] === 'string') attributes[key] = stripQuery(attributes[key])
    else if (commandOnly.includes(key) && typeof attributes[key] === 'string') attributes[key] = attributes[key].trim().split(/\s+/, 1)[0]
    else if (typeof attributes[key] === 'string' && attributes[key].includes('eyJ')) attributes[key] = attributes[key].replace(jwt, '[redacted]')
  }
}

/** Wraps the exporting processor; spans are ended (read-only to the API) but not yet queued. */
export class RedactingSpanProcessor implements SpanProcessor {
  private readonly inner: SpanProcessor
  constructor(inner: SpanProcessor) {
    this.inner = inner
  }

  onStart(span: Span, parentContext: Context) {
    this.inner.onStart(span, parentContext)
  }

  onEnd(span: ReadableSpan) {
    redactAttributes(span.attributes as Record<string, unknown>)
    for (const event of span.events) if (event.attributes) redactAttributes(event.attributes as Record<string, unknown>)
    this.inner.onEnd(span)
  }

  forceFlush() {
    return this.inner.forceFlush()
  }

  shutdown() {
    return this.inner.shutdown()
  }
}
