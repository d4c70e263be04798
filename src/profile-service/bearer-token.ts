import { createRemoteJWKSet, customFetch, errors, jwtVerify, type JWTPayload, type RemoteJWKSet } from 'jose'
import type { Dispatcher } from 'undici'
import { loadUndici } from 'fastify-entra-bff'
import type { ProfileServiceConfig } from '../config/types.ts'
import { insufficientClaimsChallenge } from 'fastify-entra-bff'
import type { TenantMetadataLoader } from 'fastify-entra-bff'
import { ServiceError } from './service-error.ts'

// Bearer token validation with jose: signature (JWKS from discovery, cached, refetched on an
// unknown kid at most once per cooldown, 30 s by default), issuer, audience, lifetime (exp and iat required; 60 s skew for iat/nbf only), v2, scope, and
// optionally an authentication context. Failures answer as RFC 6750 says; a tenant we cannot
// reach is our outage (503), never blamed on the caller's token.

export interface CallerToken {
  raw: string
  claims: JWTPayload & { oid: string; scp: string; acrs?: string[] }
}

/** RFC 6750's answer to a token that cannot be used: 401 with a Bearer `invalid_token` challenge; `reason` is for the log. */
export function invalidToken(description: string, reason?: string, code = 'invalid_token'): ServiceError {
  return new ServiceError(401, code, description, {
    challenge: { scheme: 'Bearer', params: { realm: '', error: 'invalid_token', error_description: description } },
    reason,
  })
}

function tenantUnavailable(): ServiceError {
  return new ServiceError(503, 'tenant_unavailable', 'The tenant signing keys could not be loaded; try again shortly.')
}

/** The JWKS fetch failed (network, timeout, non-200, not a key set), as opposed to a bad token. */
function keysUnreachable(error: unknown): boolean {
  return !(error instanceof errors.JOSEError) || error.code === 'ERR_JOSE_GENERIC' ||
    error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid
}

function joseReason(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'The token is expired.'
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === 'missing') return `The token has no ${error.claim} claim.`
    if (error.claim === 'iss') return 'The token issuer is not this tenant.'
    if (error.claim === 'aud') return 'The token audience is not this API.'
    if (error.claim === 'nbf') return 'The token is not valid yet.'
    return `The token ${error.claim} claim is not valid.`
  }
  if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSNoMatchingKey) return 'The token signature is not valid.'
  return 'The token could not be validated.'
}

const clockSkewSeconds = 60

/**
 * Times beyond what jose checks. The skew tolerates a caller's clock running ahead (iat, nbf),
 * never an expired token: one expired within the skew would pass here, then the tenant refuses it
 * for OBO and the caller sees a 502 instead of the 401 that makes it refresh.
 */
function lifetimeProblem(claims: JWTPayload): void {
  const now = Math.floor(Date.now() / 1000)
  const { exp, iat, nbf } = claims as { exp: number; iat: number; nbf?: number }
  if (exp <= now) throw invalidToken('The token is expired.')
  if (iat > now + clockSkewSeconds) throw invalidToken('The token was issued in the future.')
  if (iat >= exp || (nbf !== undefined && nbf >= exp)) throw invalidToken('The token lifetime is not valid.')
}

export function createBearerTokenValidator(config: ProfileServiceConfig, metadata: TenantMetadataLoader, dispatcher: Dispatcher) {
  let jwks: RemoteJWKSet | undefined

  async function signingKeys(): Promise<RemoteJWKSet> {
    let jwksUri: string
    try {
      jwksUri = (await metadata.get()).jwks_uri
    } catch {
      throw tenantUnavailable()
    }
    jwks ??= createRemoteJWKSet(new URL(jwksUri), {
      cooldownDuration: config.jwksRefetchCooldownMs ?? 30_000,
      cacheMaxAge: 24 * 3600_000,
      [customFetch]: (url: string, options: object) => loadUndici().fetch(url, { ...options, dispatcher }) as unknown as Promise<Response>,
    })
    return jwks
  }

  async function validateBearer(authorization: string | undefined): Promise<CallerToken> {
    if (!authorization) {
      throw new ServiceError(401, 'unauthorized', 'A bearer token is required.', { challenge: { scheme: 'Bearer', params: { realm: '' } } })
    }
    // The scheme is case-insensitive (RFC 9110 §11.1); the token is exactly one compact JWS.
    const match = /^Bearer +([A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]+)$/i.exec(authorization)
    if (!match) throw invalidToken('The Authorization header must be "Bearer <JWT>".')
    const keys = await signingKeys()
    const { issuer } = await metadata.get()
    let claims: JWTPayload
    try {
      ({ payload: claims } = await jwtVerify(match[1], keys, {
        issuer, audience: config.clientId, algorithms: ['RS256'], clockTolerance: clockSkewSeconds, requiredClaims: ['exp', 'iat'],
      }))
    } catch (error) {
      if (keysUnreachable(error)) throw tenantUnavailable()
      throw invalidToken(joseReason(error))
    }
    lifetimeProblem(claims)
    if (claims.ver !== '2.0') throw invalidToken('The token must be a v2.0 access token.')
    if (typeof claims.oid !== 'string') throw invalidToken('The token has no user (oid).')
    const scopes = typeof claims.scp === 'string' ? claims.scp.split(' ') : []
    if (!scopes.includes(config.requiredScope)) {
      throw new ServiceError(403, 'insufficient_scope', `The token lacks the ${config.requiredScope} scope.`, {
        challenge: { scheme: 'Bearer', params: { realm: '', error: 'insufficient_scope', scope: config.requiredScope, error_description: `The ${config.requiredScope} scope is required.` } },
      })
    }
    const acrs = Array.isArray(claims.acrs) ? claims.acrs.map(String) : []
    if (config.requiredAuthContext && !acrs.includes(config.requiredAuthContext)) {
      const { authorization_endpoint } = await metadata.get()
      const wanted = JSON.stringify({ access_token: { acrs: { essential: true, value: config.requiredAuthContext } } })
      throw new ServiceError(401, 'insufficient_claims', 'This operation needs a stronger authentication.', {
        challenge: insufficientClaimsChallenge(wanted, { authorization_uri: authorization_endpoint, client_id: config.clientId }),
      })
    }
    return { raw: match[1], claims: { ...claims, oid: claims.oid, scp: String(claims.scp), acrs } }
  }

  return {
    validateBearer,
    /** Tenant metadata and signing keys are loaded (readiness). */
    async ready(): Promise<void> {
      const keys = await signingKeys()
      if (!keys.jwks()) await keys.reload()
    },
  }
}
