import { createHash } from 'node:crypto'
import { InteractionRequiredAuthError } from '@azure/msal-node'
import type { Dispatcher } from 'undici'
import type { ProfileServiceConfig } from '../config/types.ts'
import { insufficientClaimsChallenge } from '../lib/claims-challenge.ts'
import { createMsalApp } from '../lib/msal-app.ts'
import type { TenantMetadataLoader } from '../lib/tenant-metadata.ts'
import { ServiceError } from './service-error.ts'

// On-behalf-of: the caller's token for this API → a Graph token for the same user.
// msal-node keeps every OBO result in its in-memory cache forever, keyed by assertion. So each
// exchange uses a throwaway msal client, and results live in our own bounded LRU instead:
// at most `maxEntries`, each until five minutes before it expires.

const graphScopes = ['https://graph.microsoft.com/User.ReadWrite']
const reuseMarginMs = 5 * 60_000

export function createOnBehalfOf(config: ProfileServiceConfig, metadata: TenantMetadataLoader, dispatcher: Dispatcher, maxEntries = 1_000) {
  const cache = new Map<string, { accessToken: string; expiresAt: number }>()

  return {
    size: () => cache.size,
    async graphToken(assertion: string, correlationId: string): Promise<string> {
      const key = createHash('sha256').update(assertion).digest('base64url')
      const cached = cache.get(key)
      if (cached && cached.expiresAt - reuseMarginMs > Date.now()) {
        cache.delete(key)
        cache.set(key, cached)
        return cached.accessToken
      }
      cache.delete(key)
      const msal = createMsalApp({ tenant: config.tenant, clientId: config.clientId, credential: config.credential, dispatcher, authorityMetadata: (await metadata.get()).raw })
      let result
      try {
        result = await msal.acquireTokenOnBehalfOf({ oboAssertion: assertion, scopes: graphScopes, correlationId })
      } catch (error) {
        if (error instanceof InteractionRequiredAuthError && error.claims) {
          throw new ServiceError(401, 'insufficient_claims', 'Microsoft Graph needs a stronger authentication for this user.', {
            challenge: insufficientClaimsChallenge(error.claims, { client_id: config.clientId }),
          })
        }
        throw new ServiceError(502, 'token_exchange_failed', 'The identity provider did not issue a Graph token for this request.')
      }
      if (!result?.accessToken) throw new ServiceError(502, 'token_exchange_failed', 'The identity provider returned no Graph token.')
      cache.set(key, { accessToken: result.accessToken, expiresAt: result.expiresOn?.getTime() ?? Date.now() })
      while (cache.size > maxEntries) cache.delete(cache.keys().next().value!)
      return result.accessToken
    },
  }
}
