import { randomUUID } from 'node:crypto'
import type { AuthenticationResult, ICachePlugin } from '@azure/msal-node'
import type { Dispatcher } from 'undici'
import type { ClientCredential, TenantEndpoints } from './config-types.ts'
import { createMsalApp, loadMsal, type MsalNode } from './msal-app.ts'
import type { TenantMetadataLoader } from './tenant-metadata.ts'
import type { PendingAuthorization, SessionAccount } from './session-data.ts'
import { DependencyFailure, fromMsal, fromTenantDiscovery } from './failures.ts'
import { bffMetrics } from './metrics.ts'
import { ClaimsChallengeError } from './claims-challenge-error.ts'
import { createHotTokenCache } from './hot-token-cache.ts'
import { type SessionLease, type SessionLock, type TokenCacheStore, writeWhileHeld } from './stores/token-cache-store.ts'

// Everything the BFF asks of Entra, through msal-node: sign-in, code redemption and silent tokens
// under the session's lock. One confidential client per operation, bound to that session's token
// cache, with the tenant metadata pre-supplied (no discovery); recent tokens from hot-token-cache.ts.

/** Asked at every sign-in, whatever the app adds: an ID token, the profile claims, a refresh token. */
export const baseSignInScopes = ['openid', 'profile', 'offline_access']
const pendingLifetimeMs = 10 * 60_000

/** The session has no usable tokens: the user must sign in again (drafts are kept). */
export class SignInRequiredError extends Error {
  constructor(reason: string) {
    super(reason)
    this.name = 'SignInRequiredError'
  }
}

export interface IdentityDeps {
  tenant: TenantEndpoints
  clientId: string
  credential: ClientCredential
  redirectUri: string
  postLogoutRedirectUri: string
  clientCapabilities: string[]
  /** How long a token cache is kept: the session's absolute lifetime. */
  cacheTtlMs: number
  /** How long a request waits for a token call (default 8 s). */
  tokenWaitMs?: number
  dispatcher: Dispatcher
  metadata: TenantMetadataLoader
  tokenCaches: TokenCacheStore
  locks: SessionLock
}

/**
 * How long a request waits for a token call. The call itself may run longer (up to the network
 * client's token-call timeout) and keeps the session's lock until it settles, so a slow tenant
 * answers this request with a clear 504, and the refresh token it redeems is never sent twice.
 */
const defaultTokenWaitMs = 8_000

/**
 * A `SessionLock` written before locks gave their work a lease says nothing of how long it holds:
 * its work may retry a cache write this long, and no longer.
 */
const unknownLockLeaseMs = 10_000
function leaseOfUnknownLock(): SessionLease {
  const until = performance.now() + unknownLockLeaseMs
  return { held: () => performance.now() < until }
}

/** Token work under a session's lock: the lock's lease, and the cache writes still retried under it. */
interface LockedCache {
  lease: SessionLease
  rewrites: Promise<unknown>[]
}

/** Waits for `work` up to `ms`; past that the caller gets `onTimeout()`, and the work goes on. */
function waitAtMost<T>(work: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(onTimeout()), ms)))
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer))
}

/**
 * msal's failure to reach the tenant becomes our dependency failure, and the tenant's demand for
 * more (MFA, an authentication context) the claims challenge the step-up module answers; the
 * rest passes through.
 */
function mapMsalError({ InteractionRequiredAuthError }: MsalNode, error: unknown, scopes?: string[]): unknown {
  if (error instanceof InteractionRequiredAuthError && error.claims) return new ClaimsChallengeError(error.claims, 'token-endpoint-ca', scopes)
  return fromMsal(error) ?? error
}

export function createIdentity(deps: IdentityDeps) {
  const { dispatcher, metadata, tokenCaches, locks } = deps
  let crypto: InstanceType<MsalNode['CryptoProvider']> | undefined
  const { cacheTtlMs } = deps
  const hotTokens = createHotTokenCache()
  /** The tenant's metadata, or the failure table's tenant row when it cannot be loaded (e.g. the BFF started alone). */
  const tenantMetadata = () => metadata.get().catch((error: unknown) => { throw fromTenantDiscovery(error) })

  /**
   * Token work under the session's lock. The wait for the lock is bounded by the lock (busy);
   * the token call by tokenWaitMs (tenant-timeout) — but the lock is held until the call settles.
   */
  function underLock<T>(cacheKey: string, call: (locked: LockedCache) => Promise<T>): Promise<T> {
    // Boxed: resolving a promise with a promise would wait for it, not hand it over.
    let started!: (call: { running: Promise<T> }) => void
    const callStarted = new Promise<{ running: Promise<T> }>((resolve) => (started = resolve))
    const locked = locks.withLock(cacheKey, async (lease = leaseOfUnknownLock()) => {
      const rewrites: Promise<unknown>[] = []
      const running = call({ lease, rewrites })
      started({ running })
      // The lock is held until a token cache that failed to be written is written, or the lease
      // is no longer certain (writeWhileHeld): the request itself has its answer by then.
      try {
        return await running
      } finally {
        await Promise.all(rewrites)
      }
    })
    const answered = callStarted.then(({ running }) => waitAtMost(running, deps.tokenWaitMs ?? defaultTokenWaitMs, () => new DependencyFailure('tenant-timeout')))
    answered.catch(() => {})
    return Promise.race([locked, answered])
  }

  /**
   * A confidential client, bound to the session's token cache when `cacheKey` is given. Under the
   * session's lock (`locked`) only this work changes the stored cache, so it is read from the store
   * once and then known here: msal asks for it again after the tenant answered a refresh, and a
   * store failing at that moment would lose the tokens the tenant has just rotated. A changed cache
   * that cannot be written is written again while the lock is held (`rewrites`), so the spent
   * refresh token left in the store is not sent a second time.
   */
  async function msalFor(cacheKey?: string, locked?: LockedCache) {
    let known: { serialized: string | undefined } | undefined
    const cachePlugin: ICachePlugin | undefined = cacheKey
      ? {
          async beforeCacheAccess(context) {
            if (!known || !locked) known = { serialized: await tokenCaches.get(cacheKey) }
            if (known.serialized) context.tokenCache.deserialize(known.serialized)
          },
          async afterCacheAccess(context) {
            if (!context.cacheHasChanged) return
            const serialized = context.tokenCache.serialize()
            known = { serialized }
            const write = () => tokenCaches.set(cacheKey, serialized, cacheTtlMs)
            try {
              await write()
            } catch (error) {
              if (locked) locked.rewrites.push(writeWhileHeld(write, locked.lease))
              throw error
            }
          },
        }
      : undefined
    // cp1 (the default): the app handles CAE claims challenges, so the tenant may revoke its tokens at once
    // (a critical event) instead of waiting for them to expire.
    return createMsalApp({
      tenant: deps.tenant, clientId: deps.clientId, credential: deps.credential, dispatcher,
      authorityMetadata: (await tenantMetadata()).raw, cachePlugin, clientCapabilities: deps.clientCapabilities,
    })
  }

  return {
    /** Starts an authorization: PKCE S256, state and nonce, all fresh; the caller keeps `pending` in the session. */
    async authorizationUrl(options: { purpose: PendingAuthorization['purpose']; returnTo: string; scopes: string[]; claims?: string; loginHint?: string; prompt?: 'create' | 'login'; uiLocales?: string }) {
      crypto ??= new (await loadMsal()).CryptoProvider()
      const pkce = await crypto.generatePkceCodes()
      const pending: PendingAuthorization = {
        state: crypto.createNewGuid(), nonce: crypto.createNewGuid(), codeVerifier: pkce.verifier, purpose: options.purpose,
        returnTo: options.returnTo, scopes: options.scopes, claims: options.claims, expiresAt: Date.now() + pendingLifetimeMs,
      }
      // response_mode=query: the tenant comes back with a top-level GET, which carries our
      // SameSite=Lax session cookie; form_post would be a cross-site POST, which Lax withholds.
      const url = await (await msalFor()).getAuthCodeUrl({
        scopes: options.scopes, redirectUri: deps.redirectUri, state: pending.state, nonce: pending.nonce,
        codeChallenge: pkce.challenge, codeChallengeMethod: 'S256', claims: options.claims, loginHint: options.loginHint,
        prompt: options.prompt, responseMode: 'query',
        ...(options.uiLocales ? { extraQueryParameters: { ui_locales: options.uiLocales } } : {}),
      })
      return { url, pending }
    },

    /** Redeems the code into the token cache under `cacheKey`; msal checks the nonce. */
    async redeemCode(cacheKey: string, code: string, pending: PendingAuthorization, correlationId: string = randomUUID()): Promise<AuthenticationResult> {
      return underLock(cacheKey, async (locked) => {
        hotTokens.forget(cacheKey) // a new sign-in or step-up: the next request reads the new cache
        const msal = await msalFor(cacheKey, locked)
        return msal.acquireTokenByCode(
          { code, scopes: pending.scopes, redirectUri: deps.redirectUri, codeVerifier: pending.codeVerifier, nonce: pending.nonce, state: pending.state, claims: pending.claims, correlationId },
          { code, state: pending.state },
        ).catch(async (error) => { throw mapMsalError(await loadMsal(), error) })
      })
    },

    /**
     * A token from the session's cache, refreshed when needed. Serialised per session so
     * concurrent requests never redeem the same refresh token twice. msal sends `correlationId`
     * as client-request-id: Entra's sign-in logs can then be searched for the request's id. With
     * `claims` (a resource's claims challenge, e.g. CAE after a revocation) msal skips its cache.
     */
    async acquireSilent(cacheKey: string, account: SessionAccount, scopes: string[], options: { correlationId?: string; claims?: string } = {}): Promise<AuthenticationResult> {
      const { correlationId = randomUUID(), claims } = options
      // With claims (a resource's challenge) only the tenant can answer: no hot token then.
      const hot = claims ? undefined : hotTokens.get(cacheKey, scopes, account.homeAccountId)
      if (hot) {
        bffMetrics.tokenAcquired('cache_hit')
        return hot
      }
      return underLock(cacheKey, async (locked) => {
        // The account comes from the session: looking it up in the cache would read the cache twice.
        const msal = await msalFor(cacheKey, locked)
        try {
          const result = await msal.acquireTokenSilent({ account, scopes, claims, correlationId })
          hotTokens.remember(cacheKey, scopes, result)
          bffMetrics.tokenAcquired(result.fromCache ? 'cache_hit' : 'refresh')
          return result
        } catch (error) {
          const msalNode = await loadMsal()
          const { InteractionRequiredAuthError, ServerError } = msalNode
          bffMetrics.tokenAcquired(error instanceof InteractionRequiredAuthError ? 'interaction_required' : 'error')
          if (error instanceof InteractionRequiredAuthError && !error.claims) {
            throw new SignInRequiredError(`the tenant asks the user to sign in again (${error.errorCode}${error.subError ? `/${error.subError}` : ''})`)
          }
          // Any other invalid_grant on a refresh (e.g. AADSTS50057, user disabled) is a ServerError
          // for msal, but the grant is as dead: only a new sign-in can help.
          if (error instanceof ServerError && error.errorCode === 'invalid_grant') {
            throw new SignInRequiredError(`the tenant refused the session's grant (${error.errorCode})`)
          }
          throw mapMsalError(msalNode, error, scopes)
        }
      })
    },

    /** The claims of the session's ID token, read from its token cache (kept out of the session). */
    async idTokenClaims(cacheKey: string, homeAccountId: string): Promise<Record<string, unknown> | undefined> {
      const account = await (await msalFor(cacheKey)).getTokenCache().getAccountByHomeId(homeAccountId)
      return account?.idTokenClaims as Record<string, unknown> | undefined
    },

    forget(cacheKey: string) {
      hotTokens.forget(cacheKey)
      return tokenCaches.delete(cacheKey)
    },

    async endSessionUrl(loginHint?: string): Promise<string> {
      const { end_session_endpoint } = await tenantMetadata()
      const url = new URL(end_session_endpoint)
      url.searchParams.set('post_logout_redirect_uri', deps.postLogoutRedirectUri)
      if (loginHint) url.searchParams.set('logout_hint', loginHint)
      return url.toString()
    },
  }
}

export type Identity = ReturnType<typeof createIdentity>
