import { randomUUID } from 'node:crypto'
import { CryptoProvider, InteractionRequiredAuthError, type AuthenticationResult, type ICachePlugin } from '@azure/msal-node'
import type { Dispatcher } from 'undici'
import type { BffConfig } from '../config/types.ts'
import { createMsalApp } from '../lib/msal-app.ts'
import type { TenantMetadataLoader } from '../lib/tenant-metadata.ts'
import type { PendingAuthorization } from './session-data.ts'
import type { SessionLock, TokenCacheStore } from './token-cache-store.ts'

// Everything the BFF asks of Entra, through msal-node. One confidential client per operation,
// bound to that session's token cache, with the tenant metadata pre-supplied (no discovery).

export const signInScopes = ['openid', 'profile', 'offline_access', 'User.Read']
const pendingLifetimeMs = 10 * 60_000

/** The session has no usable tokens: the user must sign in again (drafts are kept). */
export class SignInRequiredError extends Error {
  constructor(reason: string) {
    super(reason)
    this.name = 'SignInRequiredError'
  }
}

/** The tenant asks for more (MFA, an authentication context): step up with these claims. */
export class StepUpRequiredError extends Error {
  claims: string
  constructor(claims: string) {
    super('step-up required')
    this.name = 'StepUpRequiredError'
    this.claims = claims
  }
}

export interface IdentityDeps {
  config: BffConfig
  dispatcher: Dispatcher
  metadata: TenantMetadataLoader
  tokenCaches: TokenCacheStore
  locks: SessionLock
}

export function createIdentity({ config, dispatcher, metadata, tokenCaches, locks }: IdentityDeps) {
  const crypto = new CryptoProvider()
  const cacheTtlMs = config.session.absoluteTimeoutMs

  async function msalFor(cacheKey?: string) {
    const cachePlugin: ICachePlugin | undefined = cacheKey
      ? {
          async beforeCacheAccess(context) {
            const serialized = await tokenCaches.get(cacheKey)
            if (serialized) context.tokenCache.deserialize(serialized)
          },
          async afterCacheAccess(context) {
            if (context.cacheHasChanged) await tokenCaches.set(cacheKey, context.tokenCache.serialize(), cacheTtlMs)
          },
        }
      : undefined
    return createMsalApp({
      tenant: config.tenant, clientId: config.clientId, credential: config.credential, dispatcher,
      authorityMetadata: (await metadata.get()).raw, cachePlugin,
    })
  }

  return {
    /** Starts an authorization: PKCE S256, state and nonce, all fresh; the caller keeps `pending` in the session. */
    async authorizationUrl(options: { purpose: PendingAuthorization['purpose']; returnTo: string; scopes: string[]; claims?: string; loginHint?: string; prompt?: 'create' | 'login' }) {
      const pkce = await crypto.generatePkceCodes()
      const pending: PendingAuthorization = {
        state: crypto.createNewGuid(), nonce: crypto.createNewGuid(), codeVerifier: pkce.verifier, purpose: options.purpose,
        returnTo: options.returnTo, scopes: options.scopes, claims: options.claims, expiresAt: Date.now() + pendingLifetimeMs,
      }
      const url = await (await msalFor()).getAuthCodeUrl({
        scopes: options.scopes, redirectUri: config.redirectUri, state: pending.state, nonce: pending.nonce,
        codeChallenge: pkce.challenge, codeChallengeMethod: 'S256', claims: options.claims, loginHint: options.loginHint,
        prompt: options.prompt, responseMode: 'query',
      })
      return { url, pending }
    },

    /** Redeems the code into the token cache under `cacheKey`; msal checks the nonce. */
    async redeemCode(cacheKey: string, code: string, pending: PendingAuthorization): Promise<AuthenticationResult> {
      return locks.withLock(cacheKey, async () => {
        const msal = await msalFor(cacheKey)
        return msal.acquireTokenByCode(
          { code, scopes: pending.scopes, redirectUri: config.redirectUri, codeVerifier: pending.codeVerifier, nonce: pending.nonce, state: pending.state, claims: pending.claims },
          { code, state: pending.state },
        )
      })
    },

    /**
     * A token from the session's cache, refreshed when needed. Serialised per session so
     * concurrent requests never redeem the same refresh token twice.
     */
    async acquireSilent(cacheKey: string, homeAccountId: string, scopes: string[]): Promise<AuthenticationResult> {
      return locks.withLock(cacheKey, async () => {
        const msal = await msalFor(cacheKey)
        const account = await msal.getTokenCache().getAccountByHomeId(homeAccountId)
        if (!account) throw new SignInRequiredError('the session has no account in its token cache')
        try {
          return await msal.acquireTokenSilent({ account, scopes, correlationId: randomUUID() })
        } catch (error) {
          if (error instanceof InteractionRequiredAuthError) {
            if (error.claims) throw new StepUpRequiredError(error.claims)
            throw new SignInRequiredError(`the tenant asks the user to sign in again (${error.errorCode}${error.subError ? `/${error.subError}` : ''})`)
          }
          throw error
        }
      })
    },

    forget: (cacheKey: string) => tokenCaches.delete(cacheKey),

    async endSessionUrl(loginHint?: string): Promise<string> {
      const { end_session_endpoint } = await metadata.get()
      const url = new URL(end_session_endpoint)
      url.searchParams.set('post_logout_redirect_uri', config.postLogoutRedirectUri)
      if (loginHint) url.searchParams.set('logout_hint', loginHint)
      return url.toString()
    },
  }
}

export type Identity = ReturnType<typeof createIdentity>
