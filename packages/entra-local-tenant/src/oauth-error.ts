import { randomUUID } from 'node:crypto'
import type { FastifyReply } from 'fastify'

// OAuth errors in Entra's shape: AADSTS description with trace and correlation ids.

export interface OAuthErrorOptions {
  status?: number
  suberror?: string
  claims?: string
  correlationId?: string
}

export class OAuthError extends Error {
  error: string
  code: number
  options: OAuthErrorOptions
  constructor(error: string, code: number, description: string, options: OAuthErrorOptions = {}) {
    super(description)
    this.error = error
    this.code = code
    this.options = options
  }
}

export function oauthErrorBody(failure: OAuthError) {
  const timestamp = new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z')
  const traceId = randomUUID()
  const correlationId = failure.options.correlationId ?? randomUUID()
  return {
    error: failure.error,
    error_description: `AADSTS${failure.code}: ${failure.message} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
    error_codes: [failure.code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    ...(failure.options.suberror ? { suberror: failure.options.suberror } : {}),
    ...(failure.options.claims ? { claims: failure.options.claims } : {}),
  }
}

export function sendOAuthError(reply: FastifyReply, failure: OAuthError) {
  return reply.code(failure.options.status ?? (failure.error === 'invalid_client' ? 401 : 400)).header('cache-control', 'no-store').send(oauthErrorBody(failure))
}

export const invalidRequest = (code: number, description: string) => new OAuthError('invalid_request', code, description)
export const invalidGrant = (code: number, description: string, options?: OAuthErrorOptions) => new OAuthError('invalid_grant', code, description, options)
export const invalidClient = (code: number, description: string) => new OAuthError('invalid_client', code, description)
