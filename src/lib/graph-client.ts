import type { Dispatcher } from 'undici'
import { loadUndici } from 'fastify-entra-bff'
import { claimsFromChallenge } from 'fastify-entra-bff'
import { graphChanges, graphSelect, profileFromGraph, type EditableField, type Profile } from './profile.ts'
import { asClientRequestId } from './telemetry/request-id.ts'
import { isTimeout, retryAfterSeconds } from 'fastify-entra-bff'

// Microsoft Graph /me over undici, with honest failures: every non-2xx and every network fault
// becomes a GraphError saying what happened, never a silent success.

export type GraphFailure = 'rejected-request' | 'rejected-token' | 'unavailable' | 'timeout'

export class GraphError extends Error {
  failure: GraphFailure
  status?: number
  /** Graph's Retry-After on 429 and 503, in seconds. */
  retryAfterSeconds?: number
  /** A 401 claims challenge (CAE: the token predates a revocation), decoded JSON for msal. */
  claims?: string
  constructor(failure: GraphFailure, message: string, status?: number, retryAfter?: number, claims?: string) {
    super(message)
    this.name = 'GraphError'
    this.failure = failure
    this.status = status
    this.retryAfterSeconds = retryAfter
    this.claims = claims
  }
}

export interface GraphClientOptions {
  baseUrl: string
  dispatcher: Dispatcher
  timeoutMs?: number
}

async function call(options: GraphClientOptions, method: 'GET' | 'PATCH', path: string, accessToken: string, clientRequestId: string, body?: object) {
  const timeoutMs = options.timeoutMs ?? 10_000
  let response: Dispatcher.ResponseData
  try {
    response = await loadUndici().request(`${options.baseUrl}${path}`, {
      method,
      dispatcher: options.dispatcher,
      headers: {
        authorization: `Bearer ${accessToken}`,
        'client-request-id': asClientRequestId(clientRequestId),
        accept: 'application/json',
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
      // Our deadline governs, not the shared agent's header timeout.
      headersTimeout: timeoutMs, bodyTimeout: timeoutMs, signal: AbortSignal.timeout(timeoutMs),
    })
  } catch (error) {
    throw isTimeout(error)
      ? new GraphError('timeout', 'Microsoft Graph did not answer in time.')
      : new GraphError('unavailable', `Microsoft Graph could not be reached (${(error as { code?: string }).code ?? (error as Error).message}).`)
  }
  const text = await response.body.text()
  if (response.statusCode >= 200 && response.statusCode < 300) return text ? JSON.parse(text) : undefined
  let message = `Microsoft Graph answered ${response.statusCode}.`
  try {
    message = JSON.parse(text).error?.message ?? message
  } catch {
    // not Graph's JSON error shape: keep the status line
  }
  if (response.statusCode === 401) throw new GraphError('rejected-token', message, 401, undefined, claimsFromChallenge(response.headers['www-authenticate']))
  if (response.statusCode === 403) throw new GraphError('rejected-token', message, 403)
  const retryAfter = retryAfterSeconds(response.headers['retry-after'])
  if (response.statusCode === 429) throw new GraphError('rejected-request', message, response.statusCode, retryAfter)
  if (response.statusCode >= 400 && response.statusCode < 500) throw new GraphError('rejected-request', message, response.statusCode)
  throw new GraphError('unavailable', message, response.statusCode, retryAfter)
}

export function createGraphClient(options: GraphClientOptions) {
  return {
    getMe: async (accessToken: string, clientRequestId: string): Promise<Profile> =>
      profileFromGraph(await call(options, 'GET', `/me?$select=${graphSelect}`, accessToken, clientRequestId)),
    patchMe: (accessToken: string, clientRequestId: string, changes: Partial<Record<EditableField, string | null>>): Promise<void> =>
      call(options, 'PATCH', '/me', accessToken, clientRequestId, graphChanges(changes)),
  }
}

export type GraphClient = ReturnType<typeof createGraphClient>
