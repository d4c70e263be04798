import type { TokenCredential } from '@azure/identity'
import { EntraIdCredentialsProviderFactory } from '@redis/entraid'
import type { RedisEntraAuth } from '../redis-config-types.ts'

// Microsoft Entra tokens as Redis credentials (Azure Managed Redis): user = the identity's object
// ID (the token's `oid`), password = the access token. @redis/entraid's provider holds one token
// for every connection, fetches the next one at 70 % of its life and re-AUTHs each connection
// with it in the background, so no request waits for a token and none fails at renewal.
//
// Why every identity goes through `createForDefaultAzureCredential` (a TokenCredential) rather
// than the package's own client-credentials factory: that one builds an msal-node app with no
// known authorities, network client or CA of ours, so it can only ask login.microsoftonline.com.
// A TokenCredential can be any issuer: @azure/identity's credentials in production, msal-node
// against the local tenant in the tests (test/helpers/redis-entra.ts).

const redisScope = 'https://redis.azure.com/.default'

async function credentialOf(auth: RedisEntraAuth): Promise<TokenCredential> {
  if (auth.tokenCredential) return auth.tokenCredential
  const identity = await import('@azure/identity')
  if (auth.federatedTokenFile) {
    return new identity.WorkloadIdentityCredential({ tenantId: auth.tenantId, clientId: auth.clientId, tokenFilePath: auth.federatedTokenFile })
  }
  if (auth.clientSecret && auth.tenantId && auth.clientId) return new identity.ClientSecretCredential(auth.tenantId, auth.clientId, auth.clientSecret)
  return new identity.ManagedIdentityCredential(auth.clientId ? { clientId: auth.clientId } : {})
}

export async function entraCredentialsProvider(auth: RedisEntraAuth, options: { onReAuthenticationError?(error: Error): void }) {
  return EntraIdCredentialsProviderFactory.createForDefaultAzureCredential({
    credential: await credentialOf(auth),
    scopes: auth.scope ?? redisScope,
    options: {},
    tokenManagerConfig: {
      // Renew at 70 % of the token's life: the rest leaves room for a few failed attempts.
      expirationRefreshRatio: 0.7,
      // Any failure is worth another try while the current token still works; after the last one
      // the provider reports it once (onReAuthenticationError) and a reconnect starts over.
      retry: { isRetryable: () => true, maxAttempts: 5, initialDelayMs: 200, maxDelayMs: 5_000, backoffMultiplier: 2, jitterPercentage: 10 },
    },
    onReAuthenticationError: (error) => options.onReAuthenticationError?.(error instanceof Error ? error : new Error(String(error))),
    // Each failed attempt is retried: only the final failure is worth a log line.
    onRetryableError: () => {},
  })
}
