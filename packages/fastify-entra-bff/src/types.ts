import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Dispatcher } from 'undici'
import type { EntraBffStores } from './stores/bff-stores.ts'
import type { TenantMetadataLoader } from './tenant-metadata.ts'
import type { ClientCredential, TenantEndpoints } from './config-types.ts'

// The plugin's public option types: the tenant, the app registration, the session and where it is
// kept, and the hooks an app answers with its own markup.

/** Why a sign-in or step-up that came back from the tenant was not accepted (hooks.signInFailed). */
export type SignInFailure =
  /** No authorization was waiting, its state differs, or it expired (10 minutes). */
  | 'expired'
  /** The tenant answered with an error (its `error_description` in `detail`). */
  | 'tenant-reported'
  /** The tenant came back without a code. */
  | 'no-code'
  /** The code was not redeemed (the tenant refused it, or was unreachable). */
  | 'not-completed'
  /** A step-up came back, and the tenant still asks for a second factor. */
  | 'still-needs-second-factor'
  /** A step-up came back signed in as another account: the session ended. */
  | 'different-account'
  /** A step-up came back without evidence of a second factor. */
  | 'no-second-factor'

/** How the app answers in its own words and markup; each has a plain default (answers.ts). */
export interface EntraBffHooks {
  /** The language the tenant's pages should speak (`ui_locales`), e.g. the user's choice. */
  uiLocales?(request: FastifyRequest): string | undefined
  /** A sign-in or step-up came back and was not accepted: render the page (the status is set). */
  signInFailed?(request: FastifyRequest, reply: FastifyReply, failure: { reason: SignInFailure; detail?: string }): unknown
  /** htmx asked, and the route needs a step-up: render the fragment that offers it (401 is set; its link is `stepUpUrl`). */
  stepUpFragment?(request: FastifyRequest, reply: FastifyReply, context: { stepUpUrl: string }): unknown
  /** htmx asked, and the session must sign in again: render the fragment (401 and HX-Redirect are set). */
  signInAgainFragment?(request: FastifyRequest, reply: FastifyReply, context: { signInUrl: string; returnTo: string }): unknown
  /** A step-up ended at the tenant: where the user goes now (default: the step-up's `returnTo`). Set a notice here. */
  stepUpEnded?(request: FastifyRequest, ended: { outcome: 'completed' | 'cancelled'; returnTo: string }): string | undefined
  /** The id sent to the tenant as `client-request-id` with each token call (default: a new UUID). */
  clientRequestId?(request: FastifyRequest): string
}

export interface EntraBffSessionOptions {
  /** Secrets for signing the session cookie (at least 32 characters each); the first signs, all verify (rotation). */
  secrets: string[]
  /** Default: true when `publicOrigin` is https. The cookie is then `__Host-session`, Secure. */
  secureCookie?: boolean
  /** Default 30 minutes. */
  idleTimeoutMs?: number
  /** Default 12 hours: however active, a session ends then. */
  absoluteTimeoutMs?: number
  /** Session keys of the app that survive sign-in, step-up and sign-in-again (e.g. a language choice). */
  keep?: string[]
  /** The clock sessions are stamped and checked with (default Date.now): tests move it. */
  now?: () => number
}

export interface EntraBffOptions {
  /**
   * The tenant: its authority (e.g. https://contoso.ciamlogin.com/<tenant id>); the host msal
   * trusts without instance discovery (default: the authority's host); CAs to trust besides the
   * system's (PEM; e.g. a local tenant's).
   */
  tenant: Pick<TenantEndpoints, 'authority'> & Partial<Omit<TenantEndpoints, 'authority'>>
  /** The web app's Application (client) ID. */
  clientId: string
  credential: ClientCredential
  /** The origin users browse, e.g. https://app.example.com: the redirect URI is built on it. */
  publicOrigin: string
  /** Scopes asked at sign-in besides openid, profile and offline_access (default: User.Read). */
  signInScopes?: string[]
  /** Where the plugin's routes live (default `/auth`): `{prefix}/sign-in`, `/sign-up`, `/step-up`, `/sign-out`, ... */
  routePrefix?: string
  /** The redirect URI's path, registered on the app (default `{routePrefix}/redirect`). */
  redirectPath?: string
  /** Where the tenant sends the user after sign-out: a path on `publicOrigin` or a URL (default `/`). */
  postLogoutRedirect?: string
  /** Where a step-up returns when its challenge named no `returnTo` (default `/`). */
  afterStepUp?: string
  /** Where a page goes when its session must sign in again (default `/`); `request.sessionEnded` says why there. */
  signedOutLanding?: string
  /** Sent as msal's client capabilities (default ['cp1']: the app handles CAE claims challenges). */
  clientCapabilities?: string[]
  session: EntraBffSessionOptions
  /** Where sessions, token caches, locks and the sign-out index live (default: this process's memory). */
  stores?: EntraBffStores
  /** The app's own undici agent and tenant metadata loader, to share them (default: the plugin makes its own). */
  dispatcher?: Dispatcher
  tenantMetadata?: TenantMetadataLoader
  /** How long a request waits for a token call and for another request's token call on its session. */
  deadlines?: { tokenWaitMs?: number; lockWaitMs?: number }
  /** Requests per client address per minute on the plugin's routes, when @fastify/rate-limit is registered (default 60). */
  authRateLimitPerMinute?: number
  hooks?: EntraBffHooks
}

