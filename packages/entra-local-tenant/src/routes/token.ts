import { createHash } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { createLocalJWKSet, jwtVerify, type JWTPayload } from 'jose'
import { ClaimsRequestError, parseClaimsRequest } from '../claims-request.ts'
import { authenticateClient } from '../client-auth.ts'
import type { AccessDecision, AuthEvidence } from '../conditional-access.ts'
import type { TenantContext } from '../context.ts'
import type { DirectoryUser } from '../directory.ts'
import { invalidGrant, invalidRequest, OAuthError, sendOAuthError } from '../oauth-error.ts'
import { applicationPermissionsFor, consentedPermissions, parseScopes, ScopeError, type ScopeRequest, type SeveralResources } from '../scopes.ts'
import { revocationClaims } from '../revocation.ts'
import type { RefreshRecord } from '../state.ts'
import { graphResource, type AppRegistration } from '../tenant-file.ts'
import { accessTokenLifetime } from '../token-minter.ts'
import { pkceValue } from '../pkce.ts'

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

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined)

export function tokenRoutes(app: FastifyInstance, context: TenantContext) {
  const { state, directory, minter, access } = context

  function scopesOf(scope: string | undefined, severalResources: SeveralResources = 'refuse'): ScopeRequest {
    try {
      return parseScopes(scope, context.tenant, severalResources)
    } catch (error) {
      if (error instanceof ScopeError) throw new OAuthError('invalid_scope', error.code, error.message)
      throw error
    }
  }

  /** Client capabilities declared in any of the claims parameters of this grant. */
  function capabilitiesOf(...claims: (string | undefined)[]): string[] {
    try {
      return [...new Set(claims.flatMap((raw) => parseClaimsRequest(raw, context.tenant).capabilities))]
    } catch (error) {
      if (error instanceof ClaimsRequestError) throw invalidRequest(90014, error.message)
      throw error
    }
  }

  function refreshLifetime(evidence: AuthEvidence): number {
    const { refreshTokenLifetimeSeconds, emailOtpRefreshTokenLifetimeSeconds } = context.tenant.settings
    return evidence.emailOtp ? emailOtpRefreshTokenLifetimeSeconds : refreshTokenLifetimeSeconds
  }

  async function issueUserTokens(
    client: AppRegistration, user: DirectoryUser, scopes: ScopeRequest, evidence: AuthEvidence,
    options: {
      claims?: string; capabilities: string[]; nonce?: string; authTime: number; sessionId?: string; obo?: boolean
      /** A refresh: the family it belongs to, and the expiry a 24-hour token carries over. */
      family?: { id: string; expiresAt: number }
    },
  ) {
    if (!consentedPermissions(client, scopes)) {
      throw invalidGrant(65001, `The user or administrator has not consented to use the application with ID '${client.clientId}' named '${client.displayName}'. Send an interactive authorization request for this user and resource.`, { suberror: 'consent_required' })
    }
    let decision: AccessDecision
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
    const grant = { user, clientId: client.clientId, amr: evidence.amr, authTime: options.authTime, sessionId: options.sessionId, capabilities: options.capabilities }
    const scp = scopes.permissions.length > 0 ? scopes.permissions : scopes.oidc.filter((s) => s !== 'offline_access')
    const lifetime = accessTokenLifetime({ lifetimeSeconds: context.tenant.settings.accessTokenLifetimeSeconds, caeLifetimeSeconds: context.tenant.settings.caeAccessTokenLifetimeSeconds }, grant.capabilities)
    let accessToken: string
    if (scopes.resource.kind === 'graph') {
      accessToken = await minter.graphAccessToken(grant, scp)
    } else {
      const uti = state.newSecret()
      state.rememberAccessToken(uti, { amr: evidence.amr, mfaAt: evidence.mfaAt, emailOtp: evidence.emailOtp, expiresAt: state.now() + lifetime })
      accessToken = await minter.apiAccessToken(grant, scopes.resource.appId, scp, { acrs: decision.acrs, uti })
    }
    const response: Record<string, unknown> = {
      token_type: 'Bearer',
      scope: [...scopes.requested, ...scopes.oidc.filter((s) => s !== 'offline_access')].join(' '),
      expires_in: lifetime,
      ext_expires_in: lifetime,
      access_token: accessToken,
    }
    if (scopes.oidc.includes('offline_access')) {
      const token = state.newSecret()
      const now = state.now()
      // 90 days, sliding with each use; 24 hours after an email one-time passcode, carried over
      // to the tokens that replace it (Entra's refresh-tokens.md, "Token lifetime").
      const expiresAt = evidence.emailOtp && options.family ? options.family.expiresAt : now + refreshLifetime(evidence)
      const record: RefreshRecord = {
        clientId: client.clientId, userId: user.id, sessionId: options.sessionId, authTime: options.authTime,
        amr: evidence.amr, mfaAt: evidence.mfaAt, emailOtp: evidence.emailOtp, familyId: options.family?.id ?? state.newId(), used: false,
        issuedAt: now, expiresAt,
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

  /**
   * The token a code buys: the resource the token request names (one only: AADSTS28000 for more),
   * or, when it names none, the first resource of the authorize request; the OIDC scopes (ID
   * token, refresh token) are those the user consented to at authorize.
   */
  function redeemedScopes(authorized: ScopeRequest, requested: string | undefined): ScopeRequest {
    const asked = requested ? scopesOf(requested) : undefined
    if (!asked || asked.requested.length === 0) return { ...authorized, otherResources: [] }
    return { ...asked, oidc: authorized.oidc }
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
      const mismatch = () => invalidGrant(501481, 'The Code_Verifier does not match the code_challenge supplied in the authorization request.')
      if (!body.code_verifier) throw mismatch()
      // RFC 7636 §4.1: 43-128 unreserved characters; anything else is not a verifier at all.
      if (!pkceValue.test(body.code_verifier)) throw invalidGrant(501491, 'Invalid size of Code_Verifier parameter.')
      const computed = code.request.codeChallengeMethod === 'plain' ? body.code_verifier : createHash('sha256').update(body.code_verifier).digest('base64url')
      if (computed !== code.request.codeChallenge) throw mismatch()
    }
    const user = directory.byId(code.userId)
    if (!user) throw invalidGrant(50034, 'The user account does not exist in the directory.')
    return issueUserTokens(client, user, redeemedScopes(code.request.scopes, body.scope), code, {
      claims: code.request.claims, capabilities: capabilitiesOf(code.request.claims, body.claims),
      nonce: code.request.nonce, authTime: code.authTime, sessionId: code.sessionId,
    })
  }

  async function refreshToken(client: AppRegistration, body: TokenBody) {
    if (!body.refresh_token) throw invalidRequest(900144, "The request body must contain the following parameter: 'refresh_token'.")
    const record = state.refreshTokens.get(body.refresh_token)
    if (!record) throw invalidGrant(9002313, 'Invalid request. Request is malformed or invalid.', { suberror: 'bad_token' })
    if (record.clientId !== client.clientId) throw invalidGrant(700005, 'Provided refresh token is intended to use against other tenant or client.', { suberror: 'bad_token' })
    if (state.disabledUsers.has(record.userId)) throw invalidGrant(50057, 'The user account is disabled.')
    const revokedBefore = state.refreshNotBefore.get(record.userId) ?? 0
    if (record.issuedAt < revokedBefore) {
      throw invalidGrant(50173, `The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password. The grant was issued on '${new Date(record.issuedAt * 1000).toISOString()}' and the TokensValidFrom date (before which tokens are not valid) for this user is '${new Date(revokedBefore * 1000).toISOString()}'.`, { suberror: 'bad_token' })
    }
    if (record.expiresAt < state.now()) {
      throw invalidGrant(700082, `The refresh token has expired due to inactivity. The token was issued on ${new Date(record.issuedAt * 1000).toISOString()} and was inactive for ${Math.round((state.now() - record.issuedAt) / 86_400)} days.`, { suberror: 'bad_token' })
    }
    // Counted whatever the setting, so a test can show a client never sent one refresh token twice.
    if (record.used) state.noteRefreshTokenReuse()
    if (record.used && context.tenant.settings.strictRefreshTokenReuseDetection) {
      // Off by default: Entra does not revoke a refresh token when it is used (refresh-tokens.md).
      state.revokeFamily(record.familyId)
      throw invalidGrant(70043, 'The refresh token was already used and has been revoked. Sign in again.', { suberror: 'bad_token' })
    }
    const user = directory.byId(record.userId)
    if (!user) throw invalidGrant(50034, 'The user account does not exist in the directory.', { suberror: 'bad_token' })
    // Entra's refresh request lists `scope` as required (v2-oauth2-auth-code-flow.md, "Refresh the
    // access token"); what it answers without one is not documented, so the parameter table rules.
    if (!body.scope?.trim()) throw invalidRequest(900144, "The request body must contain the following parameter: 'scope'.")
    // Several resources: a token for the first scope's resource (same page).
    const scopes = scopesOf(body.scope, 'first')
    if (!scopes.oidc.includes('offline_access')) scopes.oidc.push('offline_access')
    const response = await issueUserTokens(client, user, scopes, record, {
      claims: body.claims, capabilities: capabilitiesOf(body.claims), authTime: record.authTime, sessionId: record.sessionId,
      family: { id: record.familyId, expiresAt: record.expiresAt },
    })
    record.used = true
    return response
  }

  async function onBehalfOf(client: AppRegistration, body: TokenBody) {
    if (body.requested_token_use !== 'on_behalf_of' || !body.assertion) {
      throw invalidRequest(900144, "The request body must contain 'assertion' and 'requested_token_use=on_behalf_of'.")
    }
    let payload: JWTPayload
    try {
      ({ payload } = await jwtVerify(body.assertion, createLocalJWKSet(context.keys.jwks()), {
        issuer: context.issuer(), audience: client.clientId, algorithms: ['RS256'],
        // The tenant's clock: a test that moves it forward sees the assertion expire.
        currentDate: new Date(context.state.now() * 1000),
      }))
    } catch (error) {
      const expired = (error as { code?: string }).code === 'ERR_JWT_EXPIRED'
      throw expired
        ? invalidGrant(500133, 'Assertion is not within its valid time range.')
        : invalidGrant(50013, `Assertion failed signature validation. [Reason - ${(error as Error).message}]`)
    }
    // The assertion is "the access token that was sent to the middle-tier API" (v2-oauth2-on-behalf-of-flow.md):
    // a delegated access token carries `scp`; an ID token (same issuer and audience) or an app-only
    // token does not. Entra's exact error for one is not documented (docs/local-tenant.md).
    if (typeof payload.scp !== 'string' || payload.scp === '') {
      throw invalidGrant(50013, 'Assertion is not a delegated access token for this application.')
    }
    const user = directory.byId(String(payload.oid))
    if (!user) throw invalidGrant(50034, 'The user account does not exist in the directory.')
    const revoked = revocationClaims(state, user.id, payload as { iat?: number; xms_cc?: unknown })
    if (revoked) {
      // CAE: the caller's token predates a revocation; the middle tier relays this challenge.
      throw new OAuthError('interaction_required', 50173, 'The provided grant has expired due to it being revoked, a fresh auth token is needed.', { claims: revoked, suberror: 'bad_token' })
    }
    // v2 access tokens carry no `amr`: like Entra, the tenant knows how the user signed in from
    // its own record of the token it issued (an unknown token counts as a password sign-in).
    const evidence: AuthEvidence = state.issuedAccessTokens.get(String(payload.uti)) ?? { amr: ['pwd'] }
    return issueUserTokens(client, user, scopesOf(body.scope), evidence, {
      claims: body.claims, capabilities: capabilitiesOf(body.claims), authTime: Number(payload.iat), obo: true,
    })
  }

  async function clientCredentials(client: AppRegistration, body: TokenBody) {
    const scope = body.scope ?? ''
    if (!scope.endsWith('/.default') || scope.includes(' ')) {
      throw new OAuthError('invalid_scope', 1002012, `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`)
    }
    const scopes = scopesOf(scope)
    const roles = applicationPermissionsFor(client, scopes)
    return {
      token_type: 'Bearer', expires_in: context.tenant.settings.accessTokenLifetimeSeconds,
      ext_expires_in: context.tenant.settings.accessTokenLifetimeSeconds,
      access_token: scopes.resource.kind === 'graph'
        ? await minter.appGraphAccessToken(client.clientId, roles)
        : await minter.appAccessToken(client.clientId, scopes.resource.appId, roles),
    }
  }

  // A Map, not an object: a grant_type such as `constructor` or `__proto__` must not find anything.
  const grants = new Map<string, (client: AppRegistration, body: TokenBody) => Promise<object>>([
    ['authorization_code', authorizationCode],
    ['refresh_token', refreshToken],
    ['urn:ietf:params:oauth:grant-type:jwt-bearer', onBehalfOf],
    ['client_credentials', clientCredentials],
  ])

  app.get('/:tenant/oauth2/v2.0/token', async (_request, reply) =>
    sendOAuthError(reply, invalidRequest(900561, 'The endpoint only accepts POST, OPTIONS requests. Received a GET request.')))

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
      // App-only and on-behalf-of tokens need a credential, which a public client does not have.
      if (client.isFallbackPublicClient && (grant === clientCredentials || grant === onBehalfOf)) {
        throw new OAuthError('invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.")
      }
      const response = await grant(client, body)
      return reply.header('cache-control', 'no-store').send(response)
    } catch (error) {
      if (error instanceof OAuthError) return sendOAuthError(reply, error)
      throw error
    }
  })
}
