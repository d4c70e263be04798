import type {} from '@fastify/session'
import type { ProfileDraft } from '../../../src/lib/profile.ts'
import type { Language } from '../../../src/bff/i18n/language.ts'
import type { StepUpSource } from './metrics.ts'
import type { ProfileSnapshot } from '../../../src/bff/profile-snapshot.ts'

// What the BFF keeps in a user's server-side session. Tokens are not here: they live in the
// session's token cache (stores/token-cache-store.ts), keyed by `tokenCacheKey`.

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

/** The one-time notices, by their message id. */
export type NoticeId = 'notice.saved' | 'notice.verified' | 'notice.stepUpCancelled'

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
  interface Session {
    createdAt?: number
    /** When the idle timeout was last renewed (see plugins/session.ts). */
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
    /** Profile values typed before a step-up or a failure, restored in the editor. */
    draft?: Partial<ProfileDraft>
    /**
     * The values the editor opened with, kept with the draft (through step-up and sign-in again):
     * a save sends only the fields that differ from these, and names these as the values it
     * expects the service to find (a 409 when they changed elsewhere meanwhile).
     */
    editorBase?: Partial<ProfileDraft>
    /** A one-time message shown on the next page (e.g. after step-up), as a catalog id. */
    notice?: NoticeId
    /** The language the user picked; without one, Accept-Language decides. */
    language?: Language
    /** The tenant no longer issues tokens for this session: home says so once, Sign In returns here. */
    sessionEnded?: { returnTo: string }
    /** The profile as last read from Graph or saved, so the editor opens without another Graph call. */
    profile?: ProfileSnapshot
  }
}
