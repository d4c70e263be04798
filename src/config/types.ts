import type { ClientCredential, TenantEndpoints } from 'fastify-entra-bff'
import type { BffSessionConfig } from 'fastify-entra-bff/redis'
import type { ServerTimeouts } from '../lib/server-timeouts.ts'
import type { Env } from './env-schema.ts'

export type { ClientCredential, TenantEndpoints } from 'fastify-entra-bff'
export type { BffSessionConfig, RedisConnectionConfig, RedisEntraAuth, RedisTopology } from 'fastify-entra-bff/redis'
import type { TrustProxy } from './trust-proxy.ts'

// Typed configuration of each role. Built from the environment by bff-config.ts and
// profile-service-config.ts, given the tenant by a profile (entra-profile.ts, local-profile.ts),
// or directly by tests.

export type LogLevel = Env['LOG_LEVEL']


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
  /** storeCommandMs: one Redis command (default 1 s); tests on a starved machine give the Cluster more. */
  deadlines?: { graphMs?: number; profileServiceMs?: number; tokenWaitMs?: number; lockWaitMs?: number; storeCommandMs?: number }
  /** Requests per client address per minute on /auth/* (default 60). */
  authRateLimitPerMinute?: number
  logLevel: LogLevel
  timeouts?: ServerTimeouts
  /** Proxies whose X-Forwarded-* headers are believed (Fastify's trustProxy); default false. */
  trustProxy?: TrustProxy
}
