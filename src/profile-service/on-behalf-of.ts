import type { AuthenticationResult } from '@azure/msal-node'
import type { Dispatcher } from 'undici'
import type { ProfileServiceConfig } from '../config/types.ts'
import { insufficientClaimsChallenge } from 'fastify-entra-bff'
import { createMsalApp, loadMsal } from 'fastify-entra-bff'
import type { TenantMetadataLoader } from 'fastify-entra-bff'
import { invalidToken } from './bearer-token.ts'
import { createOboTokenCache } from './obo-token-cache.ts'
import { ServiceError } from './service-error.ts'

// On-behalf-of: the caller's token for this API → a Graph token for the same user.
// msal-node's OnBehalfOfClient stores every result in the app's in-memory token cache under the
// hash of the assertion and never evicts it, so one long-lived msal app would grow with every
// caller token ever seen. Instead each exchange uses a throwaway msal app (cheap: metadata is
// pre-supplied, the agent is shared) and results live in our own bounded LRU.

const graphScopes = ['https://graph.microsoft.com/User.ReadWrite']

export interface OnBehalfOfOptions {
  maxCachedTokens?: number
}

export function createOnBehalfOf(config: ProfileServiceConfig, metadata: TenantMetadataLoader, dispatcher: Dispatcher, options: OnBehalfOfOptions = {}) {
  const cache = createOboTokenCache({ maxEntries: options.maxCachedTokens ?? 1_000, reuseMarginMs: 5 * 60_000 })
  // One exchange per assertion at a time: a double-clicked Save must not ask the tenant twice.
  const inFlight = new Map<string, Promise<string>>()

  async function exchange(assertion: string, correlationId: string): Promise<string> {
    const tenant = await metadata.get()
    const msal = await createMsalApp({ tenant: config.tenant, clientId: config.clientId, credential: config.credential, dispatcher, authorityMetadata: tenant.raw })
    let result: AuthenticationResult | null
    try {
      result = await msal.acquireTokenOnBehalfOf({ oboAssertion: assertion, scopes: graphScopes, correlationId })
    } catch (error) {
      const { AuthError, InteractionRequiredAuthError } = await loadMsal()
      if (error instanceof InteractionRequiredAuthError && error.claims) {
        // Relayed as Microsoft documents for a middle tier: the caller steps up with these claims.
        throw new ServiceError(401, 'insufficient_claims', 'Microsoft Graph needs a stronger authentication for this user.', {
          challenge: insufficientClaimsChallenge(error.claims, { authorization_uri: tenant.authorization_endpoint, client_id: config.clientId }),
        })
      }
      // invalid_grant is about the assertion, not about us: a validly signed token whose user the
      // tenant no longer knows (AADSTS50034), blocked, revoked or expired. The caller's token is
      // of no use: 401, so the caller signs the user in again, never our 502 outage.
      if (error instanceof AuthError && error.errorCode === 'invalid_grant') {
        // Its own code, so a caller can tell "sign this user in again" from a token it built wrong.
        throw invalidToken('The tenant does not accept this token for its user (unknown, blocked or signed out).', [error.errorCode, error.subError].filter(Boolean).join('/'), 'user_not_accepted')
      }
      throw new ServiceError(502, 'token_exchange_failed', 'The identity provider did not issue a Graph token for this request.', {
        reason: error instanceof AuthError ? [error.errorCode, error.subError].filter(Boolean).join('/') : (error as Error).name,
      })
    }
    if (!result?.accessToken) throw new ServiceError(502, 'token_exchange_failed', 'The identity provider returned no Graph token.')
    cache.set(assertion, result.accessToken, result.expiresOn?.getTime() ?? Date.now())
    return result.accessToken
  }

  return {
    graphToken(assertion: string, correlationId: string): Promise<string> {
      const cached = cache.get(assertion)
      if (cached) return Promise.resolve(cached)
      let pending = inFlight.get(assertion)
      if (!pending) {
        pending = exchange(assertion, correlationId).finally(() => inFlight.delete(assertion))
        inFlight.set(assertion, pending)
      }
      return pending
    },
  }
}
