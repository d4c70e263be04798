import type { FastifyInstance, FastifyRequest } from 'fastify'
import { createLocalJWKSet, jwtVerify, type JWTPayload } from 'jose'
import type { TenantContext } from '../context.ts'
import type { DirectoryUser } from '../directory.ts'
import { GraphError, sendGraphError } from '../graph-error.ts'
import { isWritableUserProperty, readOnlyUserProperties, writableUserProperties, writableUserPropertyNames, type WritableUserProperty } from '../graph-user.ts'
import { revocationClaims } from '../revocation.ts'
import { graphAppId, graphResource } from '../tenant-file.ts'
import { pairwiseSubject } from '../token-minter.ts'
import { insufficientClaimsHeader } from '../www-authenticate.ts'

// Microsoft Graph on the back channel: /v1.0/me (delegated), /v1.0/users/{id} (app-only) and
// OIDC userinfo; token checks, Graph's error shape and codes.

const readScopes = ['User.Read', 'User.ReadWrite', 'User.ReadBasic.All']

/** `$select` at most once, as OData requires (a repeated option arrives as an array). */
function selectOption(query: unknown): string | undefined {
  const value = (query as Record<string, unknown> | undefined)?.$select
  if (value === undefined || typeof value === 'string') return value
  throw new GraphError(400, 'BadRequest', "Query option '$select' was specified more than once, but it must be specified at most once.")
}

export function graphRoutes(app: FastifyInstance, context: TenantContext) {
  const tid = context.tenant.tenant.id

  /** A Graph token of this tenant: signature, issuer, lifetime, audience (Graph's own checks). */
  async function graphToken(request: FastifyRequest): Promise<JWTPayload> {
    const header = request.headers.authorization
    if (!header) throw new GraphError(401, 'InvalidAuthenticationToken', 'Access token is empty.')
    const [scheme, token] = header.split(' ')
    if (scheme?.toLowerCase() !== 'bearer' || !token) throw new GraphError(401, 'InvalidAuthenticationToken', 'Access token is empty.')
    let payload: JWTPayload
    try {
      ({ payload } = await jwtVerify(token, createLocalJWKSet(context.keys.jwks()), {
        issuer: `https://sts.windows.net/${tid}/`, algorithms: ['RS256'], currentDate: new Date(context.state.now() * 1000),
      }))
    } catch (error) {
      const code = (error as { code?: string }).code
      throw new GraphError(401, 'InvalidAuthenticationToken', code === 'ERR_JWT_EXPIRED' ? 'Lifetime validation failed, the token is expired.' : 'Access token validation failure.')
    }
    if (payload.aud !== graphResource && payload.aud !== '00000003-0000-0000-c000-000000000000') {
      throw new GraphError(401, 'InvalidAuthenticationToken', 'Access token validation failure. Invalid audience.')
    }
    return payload
  }

  /** The signed-in user of a delegated token with one of `scopes`; an app-only token has no /me. */
  async function authorize(request: FastifyRequest, scopes: string[]): Promise<DirectoryUser> {
    const payload = await graphToken(request)
    if (payload.idtyp === 'app') throw new GraphError(400, 'BadRequest', '/me request is only valid with delegated authentication flow.')
    const claims = revocationClaims(context.state, String(payload.oid), payload as { iat?: number; xms_cc?: unknown })
    if (claims) {
      throw new GraphError(401, 'InvalidAuthenticationToken', 'Continuous access evaluation resulted in challenge with result: InteractionRequired and code: TokenIssuedBeforeRevocationTimestamp',
        insufficientClaimsHeader(claims, { authorization_uri: `${context.origins.browser}/${tid}/oauth2/v2.0/authorize`, client_id: graphAppId }))
    }
    const granted = String(payload.scp ?? '').split(' ')
    if (!scopes.some((scope) => granted.includes(scope))) {
      throw new GraphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.')
    }
    const user = context.directory.byId(String(payload.oid))
    if (!user) throw new GraphError(404, 'Request_ResourceNotFound', `Resource '${String(payload.oid)}' does not exist or one of its queried reference-property objects are not present.`)
    return user
  }

  function representation(user: DirectoryUser, select?: string) {
    const full: Record<string, unknown> = {
      businessPhones: [], mail: user.email, userPrincipalName: `${user.id}@${context.tenant.tenant.subdomain}.onmicrosoft.com`, id: user.id,
      // A users.json written before a property was added has no value for it: null, as in Graph.
      ...Object.fromEntries(writableUserPropertyNames.map((name) => [name, user[name] ?? null])),
    }
    if (!select) return { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users/$entity', ...full }
    const fields = select.split(',').map((name) => name.trim())
    const unknown = fields.find((name) => !Object.hasOwn(full, name))
    if (unknown) throw new GraphError(400, 'Request_BadRequest', `Could not find a property named '${unknown}' on type 'microsoft.graph.user'.`)
    return { '@odata.context': `https://graph.microsoft.com/v1.0/$metadata#users(${fields.join(',')})/$entity`, ...Object.fromEntries(fields.map((name) => [name, full[name]])) }
  }

  function changesFrom(body: unknown): Partial<Record<WritableUserProperty, string | null>> {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new GraphError(400, 'BadRequest', 'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.')
    const changes: Partial<Record<WritableUserProperty, string | null>> = {}
    for (const [name, value] of Object.entries(body)) {
      if (readOnlyUserProperties.has(name)) throw new GraphError(400, 'Request_BadRequest', `Property '${name}' is read-only and cannot be set.`)
      if (!isWritableUserProperty(name)) throw new GraphError(400, 'Request_BadRequest', `Invalid property '${name}'.`)
      if (value !== null && typeof value !== 'string') throw new GraphError(400, 'Request_BadRequest', `Invalid value specified for property '${name}' of resource 'User'.`)
      if (name === 'displayName' && (value === null || value.trim() === '')) throw new GraphError(400, 'Request_BadRequest', "Invalid value specified for property 'displayName' of resource 'User'.")
      if (typeof value === 'string' && value.length > writableUserProperties[name].maxLength) throw new GraphError(400, 'Request_BadRequest', `Invalid value specified for property '${name}' of resource 'User'.`)
      changes[name] = value === '' ? null : value
    }
    return changes
  }

  /** An app-only token with one of `roles` (application permissions). */
  async function authorizeApp(request: FastifyRequest, roles: string[]): Promise<void> {
    const payload = await graphToken(request)
    const granted = Array.isArray(payload.roles) ? payload.roles : []
    if (payload.idtyp !== 'app' || !roles.some((role) => granted.includes(role))) {
      throw new GraphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.')
    }
  }

  // An app reads a user by id or user principal name with User.Read.All (app-only tokens' /me).
  app.get('/v1.0/users/:user', async (request, reply) => {
    try {
      await authorizeApp(request, ['User.Read.All', 'User.ReadWrite.All'])
      const key = (request.params as { user: string }).user.toLowerCase()
      const user = context.directory.byId(key) ?? context.directory.byId(key.split('@')[0]) ?? context.directory.byEmail(key)
      if (!user) throw new GraphError(404, 'Request_ResourceNotFound', `Resource '${key}' does not exist or one of its queried reference-property objects are not present.`)
      return reply.header('content-type', 'application/json;odata.metadata=minimal').send(representation(user, selectOption(request.query)))
    } catch (error) {
      if (error instanceof GraphError) return sendGraphError(request, reply, error)
      throw error
    }
  })

  // OpenID Connect userinfo, which Entra serves from Graph for a Graph token with `openid`
  // (userinfo.md): `sub` is the one the app's ID token carries.
  app.get('/oidc/userinfo', async (request, reply) => {
    try {
      const user = await authorize(request, ['openid', 'profile', 'email', ...readScopes])
      const payload = await graphToken(request)
      return reply.header('cache-control', 'no-store').send({
        sub: pairwiseSubject(user.id, String(payload.appid)), name: user.displayName,
        ...(user.givenName ? { given_name: user.givenName } : {}), ...(user.surname ? { family_name: user.surname } : {}),
        email: user.email, picture: 'https://graph.microsoft.com/v1.0/me/photo/$value',
      })
    } catch (error) {
      if (error instanceof GraphError) return sendGraphError(request, reply, error)
      throw error
    }
  })

  app.get('/v1.0/me', async (request, reply) => {
    try {
      const user = await authorize(request, readScopes)
      return reply.header('content-type', 'application/json;odata.metadata=minimal').send(representation(user, selectOption(request.query)))
    } catch (error) {
      if (error instanceof GraphError) return sendGraphError(request, reply, error)
      throw error
    }
  })

  app.patch('/v1.0/me', async (request, reply) => {
    try {
      const user = await authorize(request, ['User.ReadWrite'])
      context.directory.update(user.id, changesFrom(request.body))
      return reply.code(204).send()
    } catch (error) {
      if (error instanceof GraphError) return sendGraphError(request, reply, error)
      throw error
    }
  })
}
