import { cookieSecurity } from './bff-origin.ts'
import type { Env } from './env-schema.ts'
import { strongSessionSecrets, strongTokenCacheKeys } from './secret-strength.ts'
import { redisConnectionOf } from './redis-config.ts'
import { serverTimeouts } from './timeouts.ts'
import { bffTrustProxy } from './trust-proxy.ts'
import type { BffConfig, RoleTenant } from './types.ts'

/** The environment once a profile has required or defaulted what the BFF cannot run without. */
export type BffEnv = Env & Required<Pick<Env, 'BFF_PUBLIC_ORIGIN' | 'SESSION_SECRETS' | 'PROFILE_SERVICE_URL'>>

/** The BFF's configuration, the same for both profiles; the profile supplies the tenant. */
export function bffConfig(env: BffEnv, tenant: RoleTenant): BffConfig {
  const redis = redisConnectionOf(env)
  if (redis && !env.TOKEN_CACHE_KEYS) {
    const variable = { single: 'REDIS_URL', cluster: 'REDIS_CLUSTER_URLS', sentinel: 'REDIS_SENTINEL_URLS' }[redis.topology.kind]
    throw new Error(`Invalid configuration: ${variable} needs TOKEN_CACHE_KEYS (token caches are encrypted at rest)`)
  }
  const publicOrigin = env.BFF_PUBLIC_ORIGIN
  return {
    host: env.BFF_HOST,
    port: env.BFF_PORT,
    publicOrigin,
    tenant: tenant.endpoints,
    clientId: tenant.clientId,
    credential: tenant.credential,
    redirectUri: env.BFF_REDIRECT_URI ?? `${publicOrigin}/auth/redirect`,
    postLogoutRedirectUri: env.BFF_POST_LOGOUT_REDIRECT_URI ?? `${publicOrigin}/`,
    graphBaseUrl: env.GRAPH_BASE_URL ?? tenant.graphBaseUrl,
    profileService: { baseUrl: env.PROFILE_SERVICE_URL, scope: tenant.profileServiceScope },
    session: {
      secrets: strongSessionSecrets(env.SESSION_SECRETS),
      ...cookieSecurity(publicOrigin),
      idleTimeoutMs: env.SESSION_IDLE_MINUTES * 60_000,
      absoluteTimeoutMs: env.SESSION_ABSOLUTE_HOURS * 3_600_000,
      redisUrl: env.REDIS_URL,
      redis,
      redisKeyPrefix: env.REDIS_KEY_PREFIX,
      // Keys seal only token caches kept in Redis; an in-memory cache never leaves the process.
      tokenCacheKeys: env.TOKEN_CACHE_KEYS ? strongTokenCacheKeys(env.TOKEN_CACHE_KEYS) : [],
    },
    viewCache: env.BFF_VIEW_CACHE,
    logLevel: env.LOG_LEVEL,
    timeouts: serverTimeouts(env),
    trustProxy: bffTrustProxy(env.TRUST_PROXY, publicOrigin),
  }
}
