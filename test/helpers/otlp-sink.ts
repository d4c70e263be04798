import { createServer } from 'node:http'
import type { Test } from 'tap'

// An OTLP/HTTP JSON receiver for tests: keeps every exported span with its service name.

export interface SinkSpan {
  service: string
  traceId: string
  spanId: string
  parentSpanId?: string
  name: string
  kind: number
  attributes: Record<string, unknown>
}

interface OtlpValue { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number; arrayValue?: { values: OtlpValue[] } }
interface OtlpAttribute { key: string; value: OtlpValue }
interface OtlpTraces {
  resourceSpans?: {
    resource?: { attributes?: OtlpAttribute[] }
    scopeSpans?: { spans?: { traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number; attributes?: OtlpAttribute[] }[] }[]
  }[]
}

function attributeValue(value: OtlpValue): unknown {
  if (value.arrayValue) return value.arrayValue.values.map(attributeValue)
  return value.stringValue ?? value.intValue ?? value.boolValue ?? value.doubleValue
}

const attributesOf = (list: OtlpAttribute[] = []) => Object.fromEntries(list.map(({ key, value }) => [key, attributeValue(value)]))

/** Starts the sink on a loopback port; `raw` keeps every body as received, `received` what came where; JSON spans are decoded. */
export async function startOtlpSink(t: Test) {
  const spans: SinkSpan[] = []
  const raw: string[] = []
  const received: { path: string; contentType: string; bytes: number }[] = []
  const server = createServer((request, response) => {
    let body = ''
    let bytes = 0
    request.on('data', (chunk: Buffer) => {
      body += chunk
      bytes += chunk.length
    })
    request.on('end', () => {
      raw.push(body)
      const contentType = request.headers['content-type'] ?? ''
      received.push({ path: request.url ?? '', contentType, bytes })
      if (request.url === '/v1/traces' && contentType.startsWith('application/json')) {
        const traces = JSON.parse(body) as OtlpTraces
        for (const resourceSpans of traces.resourceSpans ?? []) {
          const service = String(attributesOf(resourceSpans.resource?.attributes)['service.name'])
          for (const scope of resourceSpans.scopeSpans ?? []) {
            for (const span of scope.spans ?? []) {
              spans.push({ service, traceId: span.traceId, spanId: span.spanId, parentSpanId: span.parentSpanId || undefined, name: span.name, kind: span.kind, attributes: attributesOf(span.attributes) })
            }
          }
        }
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const address = server.address()
  return { url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`, spans, raw, received }
}
