import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { sendGraphError, GraphError } from './graph-error.ts'
import { OAuthError, sendOAuthError } from './oauth-error.ts'

// Faults a test injects per endpoint (the test-control API): an Entra error body, a delay, an
// outage (the connection is dropped unanswered) or throttling (429 with Retry-After). Each applies
// to the next `times` requests to its endpoint, or until cleared.

/** The tenant's endpoints as a client sees them, by the path they end with. */
export const faultEndpoints = {
  discovery: /\/\.well-known\/openid-configuration$/,
  keys: /\/discovery\/v2\.0\/keys$/,
  authorize: /\/oauth2\/v2\.0\/authorize$/,
  token: /\/oauth2\/v2\.0\/token$/,
  logout: /\/oauth2\/v2\.0\/logout$/,
  graph: /^\/v1\.0\//,
  userinfo: /^\/oidc\/userinfo$/,
} as const

export type FaultEndpoint = keyof typeof faultEndpoints

export type Fault =
  /** An OAuth error in Entra's shape: `AADSTS{code}: {description}` with trace and correlation ids (on Graph: Graph's error shape). */
  | { kind: 'error'; status?: number; error: string; code: number; description?: string; suberror?: string; claims?: string }
  /** The endpoint answers as usual after `ms` milliseconds. */
  | { kind: 'latency'; ms: number }
  /** The connection is closed without an answer, as an unreachable or crashed server. */
  | { kind: 'outage' }
  /** 429 Too Many Requests with `Retry-After` (Graph's TooManyRequests body on Graph). */
  | { kind: 'throttle'; retryAfterSeconds: number }

export type FaultRule = Fault & { endpoint: FaultEndpoint; /** How many requests it applies to; unset: until cleared. */ times?: number }

export function isFaultEndpoint(name: unknown): name is FaultEndpoint {
  return typeof name === 'string' && Object.hasOwn(faultEndpoints, name)
}

export function createFaultTable() {
  const rules: FaultRule[] = []
  return {
    add(rule: FaultRule) {
      rules.push({ ...rule })
    },
    clear() {
      rules.length = 0
    },
    list: (): readonly FaultRule[] => rules,
    /** The fault the request meets, counting it against its rule's `times`. */
    take(path: string): FaultRule | undefined {
      const index = rules.findIndex((rule) => faultEndpoints[rule.endpoint].test(path))
      if (index < 0) return undefined
      const rule = rules[index]
      if (rule.times !== undefined && --rule.times <= 0) rules.splice(index, 1)
      return rule
    },
  }
}

export type FaultTable = ReturnType<typeof createFaultTable>

/** Applies injected faults before any route of the tenant handles the request. */
export function applyFaults(app: FastifyInstance, faults: FaultTable) {
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0]
    if (path.startsWith('/_test/')) return
    const fault = faults.take(path)
    if (!fault) return
    const graph = fault.endpoint === 'graph'
    switch (fault.kind) {
      case 'latency':
        await new Promise((resolve) => setTimeout(resolve, fault.ms))
        return
      case 'outage':
        request.raw.socket.destroy()
        return reply.hijack()
      case 'throttle':
        reply.header('retry-after', String(fault.retryAfterSeconds))
        if (graph) return sendGraphError(request, reply, new GraphError(429, 'TooManyRequests', 'Too many requests.'))
        // AADSTS90055 TenantThrottlingError (Microsoft's AADSTS error code reference); 429 with Retry-After as Entra throttles token requests.
        return sendOAuthError(reply, new OAuthError('temporarily_unavailable', 90055, 'There are too many incoming requests.', { status: 429 }))
      case 'error':
        if (graph) return sendGraphError(request, reply, new GraphError(fault.status ?? 400, fault.error, fault.description ?? fault.error))
        return sendOAuthError(reply, new OAuthError(fault.error, fault.code, fault.description ?? 'Injected by the test-control API.', {
          status: fault.status, suberror: fault.suberror, claims: fault.claims,
        }))
    }
  })
}
