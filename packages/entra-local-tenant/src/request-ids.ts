import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import type { TenantOrigin } from './config.ts'

const clientRequestIdShape = /^[\w-]{8,64}$/

/** msal sends its correlation id as a `client-request-id` query parameter on token requests. */
function clientRequestIdInQuery(url: string | undefined): string | undefined {
  if (!url?.includes('client-request-id=')) return undefined
  return new URLSearchParams(url.slice(url.indexOf('?') + 1)).get('client-request-id') ?? undefined
}

/** The back channel keeps a caller's well-formed `client-request-id`, as Microsoft's services do; otherwise a UUID. */
export function defaultRequestIds(origin: TenantOrigin) {
  return (request: IncomingMessage): string => {
    if (origin === 'back-channel') {
      const given = request.headers['client-request-id'] ?? clientRequestIdInQuery(request.url)
      if (typeof given === 'string' && clientRequestIdShape.test(given)) return given
    }
    return randomUUID()
  }
}
