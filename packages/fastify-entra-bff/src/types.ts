import type { TokenCredential } from '@azure/identity'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Dispatcher } from 'undici'
import type { EntraBffStores } from './stores/bff-stores.ts'
import type { TenantMetadataLoader } from './tenant-metadata.ts'

// The plugin's public option types: the tenant, the app registration, the session and where it is
// kept, and the hooks an app answers with its own markup.

/** How a confidential client proves itself: a secret, or a certificate (private_key_jwt). */
export type ClientCredential =
  | { kind: 'secret'; clientSecret: string }
  | { kind: 'certificate'; privateKeyPem: string; thumbprintSha256: string }

export interface TenantEndpoints {
  /** e.g. https://contoso.ciamlogin.com/{tenantId} or https://localhost:3101/{tenantId} */
  authority: string
  /** Host (and port) msal trusts without instance discovery, e.g. 'localhost:3101'. */
  knownAuthority: string
  /** PEM CAs trusted in addition to the system roots (the local tenant's CA). */
  extraCaPem: string[]
}

/** Where the BFF's Redis is: one node, a Cluster (seed nodes) or a primary that Sentinels watch. */
export type RedisTopology =
  | { kind: 'single'; url: string }
  | { kind: 'cluster'; urls: string[] }
  | { kind: 'sentinel'; urls: string[]; masterName: string }

/** Microsoft Entra tokens as Redis credentials (Azure Managed Redis): one of these identities. */
export interface RedisEntraAuth {
  /** A user-assigned managed identity (alone), or the service principal (with tenantId and clientSecret). */
  clientId?: string
  tenantId?: string
  clientSecret?: string
  /** Workload identity: the projected service account token (AZURE_FEDERATED_TOKEN_FILE). */
  federatedTokenFile?: string
  /** Token scope, default https://redis.azure.com/.default. */
  scope?: string
  /** Where tokens come from instead of @azure/identity (tests: msal against the local tenant). */
  tokenCredential?: TokenCredential
}

export interface RedisConnectionConfig {
  topology: RedisTopology
  /** TLS beyond what rediss:// turns on: a private CA, and a client certificate for mTLS (file paths, PEM). */
  tls?: { caFile?: string; certFile?: string; keyFile?: string }
  username?: string
  password?: string
  entra?: RedisEntraAuth
}

export interface BffSessionConfig {
  /** Secrets for signing the session cookie; the first signs, all verify (rotation). */
  secrets: string[]
  /** true: Secure cookie with the __Host- prefix. false only for http://localhost development. */
  secureCookie: boolean
  idleTimeoutMs: number
  absoluteTimeoutMs: number
  /** The clock sessions are stamped and checked with (default Date.now): tests move it instead of sleeping. */
  now?: () => number
  /** With a Redis URL the session store and token caches live in Redis (one node; `redis` for the rest). */
  redisUrl?: string
  /** Which Redis and how to reach it (Cluster, Sentinel, TLS, credentials); takes precedence over `redisUrl`. */
  redis?: RedisConnectionConfig
  /** Prefix of every Redis key (default `bff:`), so several apps can share one Redis. */
  redisKeyPrefix?: string
  /** base64 AES-256 keys for the token cache at rest; the first encrypts, all decrypt. */
  tokenCacheKeys: string[]
}

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
  /** The tenant: authority, the host msal trusts without instance discovery, extra CAs. */
  tenant: TenantEndpoints
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

/** The session options with their defaults applied (options.ts). */
export interface SessionSettings {
  secrets: string[]
  secureCookie: boolean
  idleTimeoutMs: number
  absoluteTimeoutMs: number
  now?: () => number
}
