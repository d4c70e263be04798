import { createHash } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { createLocalJWKSet, jwtVerify } from 'jose'
import { ClaimsRequestError } from '../claims-request.ts'
import { authenticateClient } from '../client-auth.ts'
import type { AuthEvidence } from '../conditional-access.ts'
import type { TenantContext } from '../context.ts'
import type { DirectoryUser } from '../directory.ts'
import { invalidGrant, invalidRequest, OAuthError, sendOAuthError } from '../oauth-error.ts'
import { consentedPermissions, parseScopes, ScopeError, type ScopeRequest } from '../scopes.ts'
import type { RefreshRecord } from '../state.ts'
import { graphResource, type AppRegistration } from '../tenant-file.ts'

// POST /{tenant}/oauth2/v2.0/token: authorization_code (+PKCE), refresh_token (rotating),
// on-behalf-of, client_credentials. Errors in Entra's shape, MFA challenges with `claims`.

interface TokenBody {
  grant_type?: string
  code?: string
  redirect_uri?: string
  code_verifier?: string
  refresh_token?: string
  scope?: string
  claims?: string
  assertion?: string
  requested_token_use?: string
  client_id?: string
  client_secret?: string
  client_assertion?: string
  client_assertion_type?: string
}

const refreshLifetimeSeconds = 24 * 3600
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined)

export function tokenRoutes(app: FastifyInstance, context: TenantContext) {
  const { state, directory, minter, access } = context

  function scopesOf(scope: string | undefined): ScopeRequest {
    try {
      return parseScopes(scope, context.tenant)
    } catch (error) {
      throw new OAuthError('invalid_scope', 70011, (error as ScopeError).message.replace(/^AADSTS\d+: /, ''))
    }
  }

  async function issueUserTokens(
    client: AppRegistration, user: DirectoryUser, scopes: ScopeRequest, evidence: AuthEvidence,
    options: { claims?: string; nonce?: string; authTime: number; sessionId?: string; familyId?: string; obo?: boolean },
  ) {
    if (!consentedPermissions(client, scopes)) {
      throw invalidGrant(65001, `The user or administrator has not consented to use the application with ID '${client.clientId}' named '${client.displayName}'.`, { suberror: 'consent_required' })
    }
    let decision
    try {
      decision = access.decide(user.id, scopes.resource.appId, evidence, options.claims)
    } catch (error) {
      if (error instanceof ClaimsRequestError) throw invalidRequest(90014, error.message)
      throw error
    }
    if (decision.challenge) {
      const resourceName = scopes.resource.kind === 'graph' ? graphResource : scopes.resource.app.identifierUri
      const description = `Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '${resourceName}'.`
      throw options.obo
        ? new OAuthError('interaction_required', 50076, description, { claims: decision.challenge, suberror: 'basic_action' })
        : invalidGrant(50076, description, { suberror: 'basic_action', claims: decision.challenge })
    }
    const grant = { user, clientId: client.clientId, amr: evidence.amr, authTime: options.authTime, sessionId: options.sessionId }
    const scp = scopes.permissions.length > 0 ? scopes.permissions : scopes.oidc.filter((s) => s !== 'offline_access')
    const accessToken = scopes.resource.kind === 'graph'
      ? await minter.graphAccessToken(grant, scp)
      : await minter.apiAccessToken(grant, scopes.resource.appId, scp, decision.acrs)
    const response: Record<string, unknown> = {
      token_type: 'Bearer',
      scope: [...scopes.requested, ...scopes.oidc.filter((s) => s !== 'offline_access')].join(' '),
      expires_in: context.tenant.settings.accessTokenLifetimeSeconds,
      ext_expires_in: context.tenant.settings.accessTokenLifetimeSeconds,
      access_token: accessToken,
    }
    if (scopes.oidc.includes('offline_access')) {
      const token = state.newSecret()
      const record: RefreshRecord = {
        clientId: client.clientId, userId: user.id, sessionId: options.sessionId, authTime: options.authTime,
        amr: evidence.amr, mfaAt: evidence.mfaAt, familyId: options.familyId ?? state.newId(), used: false,
        expiresAt: state.now() + refreshLifetimeSeconds,
      }
      state.refreshTokens.set(token, record)
      response.refresh_token = token
    }
    if (scopes.oidc.includes('openid')) {
      response.id_token = await minter.idToken(grant, { nonce: options.nonce, email: scopes.oidc.includes('email') })
      response.client_info = Buffer.from(JSON.stringify({ uid: user.id, utid: context.tenant.tenant.id })).toString('base64url')
    }
    return response
  }

  async function authorizationCode(client: AppRegistration, body: TokenBody) {
    if (!body.code) throw invalidRequest(900144, "The request body must contain the following parameter: 'code'.")
    const code = state.codes.get(body.code)
    state.codes.delete(body.code)
    if (!code) throw invalidGrant(54005, 'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.')
    if (code.expiresAt < state.now()) throw invalidGrant(70008, 'The provided authorization code or refresh token has expired due to inactivity.')
    if (code.request.clientId !== client.clientId) throw invalidGrant(700005, 'Provided Authorization Code is intended to use against other tenant or client.')
    if (body.redirect_uri !== code.request.redirectUri) throw invalidGrant(500117, "The reply uri specified in the request does not match the reply uri used in the authorization request.")
    if (code.request.codeChallenge) {
      if (!body.code_verifier) throw invalidGrant(501481, 'The Code_Verifier does not match the code_challenge supplied in the authorization request.')
      const computed = createHash('sha256').update(body.code_verifier).digest('base64url')
      if (computed !== code.request.codeChallenge) throw invalidGrant(501481, 'The Code_Verifier does not match the code_challenge supplied in the authorization request.')
    }
    const user = directory.byId(code.userId)
    if (!user) throw invalidGrant(50034, 'The user account does not exist in the directory.')
    return issueUserTokens(client, user, code.request.scopes, code, {
      claims: code.request.claims, nonce: code.request.nonce, authTime: code.authTime, sessionId: code.sessionId,
    })
  }

  async function refreshToken(client: AppRegistration, body: TokenBody) {
    if (!body.refresh_token) throw invalidRequest(900144, "The request body must contain the following parameter: 'refresh_token'.")
    const record = state.refreshTokens.get(body.refresh_token)
    if (!record || record.expiresAt < state.now()) {
      throw invalidGrant(700082, 'The refresh token has expired or is invalid. Sign in again.', { suberror: 'bad_token' })
    }
    if (record.clientId !== client.clientId) throw invalidGrant(700005, 'The refresh token was issued to a different client.', { suberror: 'bad_token' })
    if (record.used) {
      // A rotated refresh token came back: someone holds a copy. Retire the whole family.
      state.revokeFamily(record.familyId)
      throw invalidGrant(70043, 'The refresh token was already used and has been revoked. Sign in again.', { suberror: 'bad_token' })
    }
    const user = directory.byId(record.userId)
    if (!user) throw invalidGrant(50034, 'The user account does not exist in the directory.', { suberror: 'bad_token' })
    const scopes = scopesOf(body.scope)
    if (!scopes.oidc.includes('offline_access')) scopes.oidc.push('offline_access')
    const response = await issueUserTokens(client, user, scopes, record, {
      claims: body.claims, authTime: record.authTime, sessionId: record.sessionId, familyId: record.familyId,
    })
    record.used = true
    return response
  }

  async function onBehalfOf(client: AppRegistration, body: TokenBody) {
    if (body.requested_token_use !== 'on_behalf_of' || !body.assertion) {
      throw invalidRequest(900144, "The request body must contain 'assertion' and 'requested_token_use=on_behalf_of'.")
    }
    let payload
    try {
      ({ payload } = await jwtVerify(body.assertion, createLocalJWKSet(context.keys.jwks()), {
        issuer: context.issuer(), audience: client.clientId, algorithms: ['RS256'],
      }))
    } catch (error) {
      const expired = (error as { code?: string }).code === 'ERR_JWT_EXPIRED'
      throw expired
        ? invalidGrant(500133, 'Assertion is not within its valid time range.')
        : invalidGrant(50013, `Assertion failed signature validation. [Reason - ${(error as Error).message}]`)
    }
    const user = directory.byId(String(payload.oid))
    if (!user) throw invalidGrant(50034, 'The user account does not exist in the directory.')
    const amr = Array.isArray(payload.amr) ? payload.amr.map(String) : ['pwd']
    const evidence: AuthEvidence = { amr, mfaAt: amr.includes('mfa') ? payload.iat : undefined }
    return issueUserTokens(client, user, scopesOf(body.scope), evidence, {
      claims: body.claims, authTime: Number(payload.iat), obo: true,
    })
  }

  async function clientCredentials(client: AppRegistration, body: TokenBody) {
    const scope = body.scope ?? ''
    if (!scope.endsWith('/.default') || scope.includes(' ')) {
      throw new OAuthError('invalid_scope', 1002012, `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`)
    }
    const scopes = scopesOf(scope)
    const audience = scopes.resource.kind === 'graph' ? graphResource : scopes.resource.appId
    return {
      token_type: 'Bearer', expires_in: context.tenant.settings.accessTokenLifetimeSeconds,
      ext_expires_in: context.tenant.settings.accessTokenLifetimeSeconds,
      access_token: await minter.appAccessToken(client.clientId, audience),
    }
  }

  // A Map, not an object: a grant_type such as `constructor` or `__proto__` must not find anything.
  const grants = new Map<string, (client: AppRegistration, body: TokenBody) => Promise<object>>([
    ['authorization_code', authorizationCode],
    ['refresh_token', refreshToken],
    ['urn:ietf:params:oauth:grant-type:jwt-bearer', onBehalfOf],
    ['client_credentials', clientCredentials],
  ])

  app.post('/:tenant/oauth2/v2.0/token', async (request, reply) => {
    const raw = (request.body ?? {}) as Record<string, unknown>
    const body: TokenBody = Object.fromEntries(Object.entries(raw).map(([key, value]) => [key, text(value)]))
    try {
      if (!request.headers['content-type']?.startsWith('application/x-www-form-urlencoded')) {
        throw invalidRequest(900144, 'The token request must be application/x-www-form-urlencoded.')
      }
      const grant = body.grant_type ? grants.get(body.grant_type) : undefined
      if (!body.grant_type) throw invalidRequest(900144, "The request body must contain the following parameter: 'grant_type'.")
      if (!grant) throw new OAuthError('unsupported_grant_type', 70003, `The app requested an unsupported grant type '${body.grant_type}'.`)
      const client = await authenticateClient(context, body, request.headers.authorization, `${context.origins.https}${request.url.split('?')[0]}`)
      const response = await grant(client, body)
      return reply.header('cache-control', 'no-store').send(response)
    } catch (error) {
      if (error instanceof OAuthError) return sendOAuthError(reply, error)
      throw error
    }
  })
}
