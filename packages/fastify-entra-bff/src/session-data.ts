import type {} from '@fastify/session'
import type { StepUpSource } from './metrics.ts'

// What the plugin keeps in a user's server-side session. Tokens are not here: they live in the
// session's token cache (stores/token-cache-store.ts), keyed by `tokenCacheKey`. An app adds its
// own keys to fastify's `Session` the same way, and its drafts to `EntraBffDrafts`.

/** One authorization request in flight: single use, bound to this session, expiring. */
export interface PendingAuthorization {
  state: string
  nonce: string
  codeVerifier: string
  purpose: 'sign-in' | 'step-up'
  returnTo: string
  scopes: string[]
  claims?: string
  /** A step-up's: what asked for it, for the step-up metrics at its return (step-up.ts). */
  stepUpSource?: StepUpSource
  expiresAt: number
}

/** The msal account, without its ID token: enough for silent token lookups. */
export interface SessionAccount {
  homeAccountId: string
  environment: string
  tenantId: string
  localAccountId: string
  username: string
}

export interface SignedInUser {
  /** msal's account: `account.username` is the sign-in name, `account.homeAccountId` finds the tokens. */
  account: SessionAccount
  name: string
  /** The user's object id: "sign out of every device" ends every session indexed under it. */
  oid?: string
  /** The tenant session (`sid` of the ID token): front-channel logout ends the sessions under it. */
  sid?: string
}

declare module 'fastify' {
  /**
   * What a user typed, kept server-side through step-up, sign-in again and failures, by name.
   * Empty here: an app declares its own, e.g. `interface EntraBffDrafts { profile: ProfileDraft }`.
   */
  interface EntraBffDrafts {}

  interface Session {
    createdAt?: number
    /** When the idle timeout was last renewed (see session.ts). */
    renewedAt?: number
    user?: SignedInUser
    tokenCacheKey?: string
    /** Binds `tokenCacheKey` to this session id and user (stores/token-cache-binding.ts). */
    tokenCacheBinding?: string
    pendingAuthorization?: PendingAuthorization
    /** The claims of the last MFA challenge: step-up sends these, never claims from a URL (step-up.ts). */
    stepUpClaims?: string
    /** What asked for that step-up, for the step-up metrics (step-up.ts). */
    stepUpSource?: StepUpSource
    /** The scopes of the token that step-up is for. */
    stepUpScopes?: string[]
    /** Where that step-up returns. */
    stepUpReturnTo?: string
    /** The app's drafts (request.keepDraft): kept through step-up, sign-in again and failures. */
    drafts?: Partial<EntraBffDrafts>
    /** Where sign-in again returns while a draft waits (the page that shows it). */
    draftReturnTo?: string
    /** The tenant no longer issues tokens for this session: the landing says so once, Sign In returns here. */
    sessionEnded?: { returnTo: string }
  }
}
