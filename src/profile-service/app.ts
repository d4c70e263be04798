import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify'
import type { ProfileServiceConfig } from '../config/types.ts'
import { createGraphClient, GraphError } from '../lib/graph-client.ts'
import { createHttpAgent } from 'fastify-entra-bff'
import { loggerOptions } from '../lib/logger.ts'
import { requestIds } from '../lib/telemetry/request-id.ts'
import { instrumentRole } from '../lib/telemetry/telemetry.ts'
import { answerWithin, defaultServerTimeouts, withServerTimeouts } from '../lib/server-timeouts.ts'
import { profilePatchSchema, validateProfilePatch, type ProfilePatch } from '../lib/profile-rules.ts'
import { tenantMetadataLoader } from 'fastify-entra-bff'
import { insufficientClaimsChallenge } from 'fastify-entra-bff'
import { formatWwwAuthenticate } from 'fastify-entra-bff'
import { createBearerTokenValidator, type CallerToken } from './bearer-token.ts'
import { createOnBehalfOf } from './on-behalf-of.ts'
import { conflictsOf } from './conflicts.ts'
import { noChangeError, profileSchemaError } from './schema-errors.ts'
import { ServiceError } from './service-error.ts'

// The edit profile service: a web API the Conditional Access MFA policy protects. It checks the
// caller's token, exchanges it on behalf of the user, and updates Graph /me.

declare module 'fastify' {
  interface FastifyRequest {
    caller?: CallerToken
  }
}

function fromGraph(error: GraphError): ServiceError {
  if (error.status === 429) return new ServiceError(503, 'graph_throttled', 'Microsoft Graph is throttling requests; try again shortly.')
  switch (error.failure) {
    case 'rejected-request': return new ServiceError(422, 'graph_rejected_change', error.message)
    case 'rejected-token': return new ServiceError(502, 'graph_refused_token', `Microsoft Graph refused the service's token: ${error.message}`, { reason: String(error.status) })
    case 'timeout': return new ServiceError(504, 'graph_timeout', error.message)
    default: return new ServiceError(502, 'graph_unavailable', error.message, { reason: error.status ? String(error.status) : undefined })
  }
}

const clientErrorCodes: Record<number, string> = { 404: 'not_found', 405: 'method_not_allowed', 413: 'payload_too_large', 415: 'unsupported_media_type' }

export async function buildProfileService(config: ProfileServiceConfig): Promise<FastifyInstance> {
  const agent = createHttpAgent({ extraCaPem: config.tenant.extraCaPem })
  const metadata = tenantMetadataLoader(config.tenant.authority, agent)
  const bearer = createBearerTokenValidator(config, metadata, agent)
  const onBehalfOf = createOnBehalfOf(config, metadata, agent)
  const graph = createGraphClient({ baseUrl: config.graphBaseUrl, dispatcher: agent, timeoutMs: config.graphTimeoutMs })

  const app = Fastify(withServerTimeouts({
    logger: loggerOptions(config.logLevel, 'profile-service'),
    bodyLimit: 8 * 1024,
    trustProxy: config.trustProxy ?? false,
    // An API rejects what it does not understand: no silently dropped properties, no coercion,
    // and every field's problem at once (the body is small, so allErrors costs nothing).
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: true } },
    // The caller's trace id or client-request-id, carried through to Graph (one id across the hops).
    genReqId: requestIds({ acceptClientRequestId: true, acceptTraceContext: true }),
  }, config.timeouts))
  await instrumentRole(app, 'profile-service')
  app.addHook('onClose', async () => agent.close())
  // JSON only: Fastify's built-in text/plain parser would hand a string to the schema (a 422).
  app.removeContentTypeParser('text/plain')

  // Profiles are personal data: no shared cache may keep them. The id lets a caller quote the failure.
  app.addHook('onRequest', async (request, reply) => {
    reply.header('cache-control', 'no-store').header('client-request-id', request.id)
  })

  app.setErrorHandler((error: Error & { statusCode?: number; validation?: unknown }, request, reply) => {
    if (error.validation) error = profileSchemaError(error.validation as Parameters<typeof profileSchemaError>[0])
    if (error instanceof ServiceError) {
      if (error.challenge) reply.header('www-authenticate', formatWwwAuthenticate(error.challenge))
      if (error.status >= 500) request.log.warn({ code: error.code, reason: error.reason }, error.message)
      const { details, problems, conflicts } = error
      return reply.code(error.status).send({ error: { code: error.code, message: error.message, ...(details ? { details } : {}), ...(problems ? { problems } : {}), ...(conflicts ? { conflicts } : {}) } })
    }
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500
    if (status === 500) {
      request.log.error({ err: error }, 'request failed')
      return reply.code(500).send({ error: { code: 'internal_error', message: `Something went wrong. Contact support with id ${request.id}.` } })
    }
    return reply.code(status).send({ error: { code: clientErrorCodes[status] ?? 'bad_request', message: error.message } })
  })
  answerWithin(app, (config.timeouts ?? defaultServerTimeouts).responseMs, () => new ServiceError(504, 'deadline_exceeded', 'The edit profile service could not answer in time.'))
  app.setNotFoundHandler(async (request, reply) =>
    reply.code(404).send({ error: { code: 'not_found', message: `${request.method} ${request.url.split('?')[0]} is not part of this API.` } }))

  /** Graph's errors in the service's terms; a CAE claims challenge is relayed to the caller as is. */
  async function fromGraphCall(error: unknown): Promise<never> {
    if (!(error instanceof GraphError)) throw error
    if (error.claims) {
      const { authorization_endpoint } = await metadata.get()
      throw new ServiceError(401, 'insufficient_claims', 'Microsoft Graph needs a new sign-in for this user.', {
        challenge: insufficientClaimsChallenge(error.claims, { authorization_uri: authorization_endpoint, client_id: config.clientId }),
      })
    }
    throw fromGraph(error)
  }

  const authenticate = async (request: FastifyRequest) => {
    request.caller = await bearer.validateBearer(request.headers.authorization)
  }
  /** The token `authenticate` validated: a route without that hook is a programming error. */
  const callerOf = (request: FastifyRequest): CallerToken => {
    if (!request.caller) throw new Error(`${request.method} ${request.routeOptions.url} runs without the authenticate hook`)
    return request.caller
  }

  app.get('/healthz', async () => ({ status: 'ok' }))
  app.get('/readyz', async (_request, reply) => {
    try {
      await bearer.ready()
      return { status: 'ready' }
    } catch {
      return reply.code(503).send({ status: 'not ready', reason: 'tenant metadata or signing keys could not be loaded' })
    }
  })

  // Authentication runs in onRequest, before the body is read: an anonymous caller learns nothing
  // about validation, and sends no body we would parse.
  app.get('/me', { onRequest: authenticate }, async (request) => {
    const token = await onBehalfOf.graphToken(callerOf(request).raw, request.id)
    // The Graph client reads exactly the profile table's fields: the API answers with the profile.
    return graph.getMe(token, request.id).catch(fromGraphCall)
  })

  // Absent means unchanged; null clears. With `expected`, Graph is read first and a field changed
  // elsewhere since the caller's editor opened answers 409 with both values, and nothing is written.
  app.patch<{ Body: ProfilePatch }>('/me', { onRequest: authenticate, schema: { body: profilePatchSchema } }, async (request) => {
    const { changes, errors, problems } = validateProfilePatch(request.body)
    if (Object.keys(problems).length > 0) {
      throw new ServiceError(422, 'invalid_profile', 'Some profile fields are not valid.', { details: errors, problems })
    }
    if (Object.keys(changes).length === 0) throw noChangeError()
    const token = await onBehalfOf.graphToken(callerOf(request).raw, request.id)
    const expected = request.body.expected
    if (expected && Object.keys(expected).length > 0) {
      const conflicts = conflictsOf(await graph.getMe(token, request.id).catch(fromGraphCall), changes, expected)
      if (conflicts) throw new ServiceError(409, 'profile_conflict', 'Some fields were changed elsewhere since the editor opened; nothing was saved.', { conflicts })
    }
    await graph.patchMe(token, request.id, changes).catch(fromGraphCall)
    return graph.getMe(token, request.id).catch(fromGraphCall)
  })

  return app
}
