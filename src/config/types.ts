import type { TokenCredential } from '@azure/identity'
import type { ServerTimeouts } from '../lib/server-timeouts.ts'
import type { Env } from './env-schema.ts'
import type { TrustProxy } from './trust-proxy.ts'

// Typed configuration of each role. Built from the environment by bff-config.ts and
// profile-service-config.ts, given the tenant by a profile (entra-profile.ts, local-profile.ts),
// or directly by tests.

export type LogLevel = Env['LOG_LEVEL']

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

/**
 * A tenant as one role (BFF or edit profile service) sees it: what a profile supplies, from the
 * environment (entra) or from the local tenant (local).
 */
export interface RoleTenant {
  endpoints: TenantEndpoints
  /** Graph when GRAPH_BASE_URL is unset: Microsoft Graph, or the local tenant's. */
  graphBaseUrl: string
  /** The role's own app registration (Application (client) ID) and credential. */
  clientId: string
  credential: ClientCredential
  /** api://{service client id}/EditProfileService.ReadWrite: the BFF asks for it, the service requires it. */
  profileServiceScope: string
}

export interface ProfileServiceConfig {
  host: string
  port: number
  tenant: TenantEndpoints
  /** The service's app registration (Application (client) ID) and credential for OBO. */
  clientId: string
  credential: ClientCredential
  /** Scope name the BFF must hold, e.g. EditProfileService.ReadWrite */
  requiredScope: string
  /** When set (e.g. 'c1'), tokens must carry this authentication context in `acrs`. */
  requiredAuthContext?: string
  /** e.g. https://graph.microsoft.com/v1.0 */
  graphBaseUrl: string
  /** How long a Graph call may take before the API answers 504 (default 10 s). */
  graphTimeoutMs?: number
  /** Least time between two signing-key refetches caused by an unknown `kid` (default 30 s). */
  jwksRefetchCooldownMs?: number
  logLevel: LogLevel
  timeouts?: ServerTimeouts
  /** Proxies whose X-Forwarded-* headers are believed (Fastify's trustProxy); default false. */
  trustProxy?: TrustProxy
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

export interface BffConfig {
  host: string
  port: number
  /** Origin users browse, e.g. http://localhost:3000 */
  publicOrigin: string
  tenant: TenantEndpoints
  clientId: string
  credential: ClientCredential
  /** e.g. http://localhost:3000/auth/redirect (registered on the app) */
  redirectUri: string
  postLogoutRedirectUri: string
  graphBaseUrl: string
  profileService: {
    baseUrl: string
    /** api://{service client id}/EditProfileService.ReadWrite */
    scope: string
  }
  session: BffSessionConfig
  /** @fastify/view template cache; on except while editing templates. */
  viewCache: boolean
  /** Deadlines of the BFF's own calls, shorter than the response deadline (defaults in app.ts). */
  deadlines?: { graphMs?: number; profileServiceMs?: number; tokenWaitMs?: number; lockWaitMs?: number }
  /** Requests per client address per minute on /auth/* (default 60). */
  authRateLimitPerMinute?: number
  logLevel: LogLevel
  timeouts?: ServerTimeouts
  /** Proxies whose X-Forwarded-* headers are believed (Fastify's trustProxy); default false. */
  trustProxy?: TrustProxy
}
