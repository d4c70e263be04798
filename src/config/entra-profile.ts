import { readFileSync } from 'node:fs'
import { cookieSecurity } from './bff-origin.ts'
import { clientCredential } from './credentials.ts'
import type { Env } from './env-schema.ts'
import { strongSessionSecrets, strongTokenCacheKeys } from './secret-strength.ts'
import { serverTimeouts } from './timeouts.ts'
import { bffTrustProxy, parseTrustProxy } from './trust-proxy.ts'
import type { BffConfig, ProfileServiceConfig, TenantEndpoints } from './types.ts'

const microsoftGraph = 'https://graph.microsoft.com/v1.0'

// Configuration for a real External ID tenant: everything comes from the environment.
// Each role checks only the variables it needs, so one container can run one role.

function requireVars(env: Env, role: string, names: (keyof Env)[]): void {
  const missing = names.filter((name) => env[name] === undefined)
  if (missing.length > 0) throw new Error(`Invalid configuration: the ${role} needs ${missing.join(', ')}`)
}

function tenantEndpoints(env: Env): TenantEndpoints {
  // The GUID form: msal-node 7 checks the issuer against it (the bare ciamlogin.com form fails).
  const authority = env.AUTHORITY ?? `https://${env.TENANT_SUBDOMAIN}.ciamlogin.com/${env.TENANT_ID}`
  return {
    authority,
    knownAuthority: new URL(authority).host,
    extraCaPem: env.EXTRA_CA_FILE ? [readFileSync(env.EXTRA_CA_FILE, 'utf8')] : [],
  }
}

export function entraBffConfig(env: Env): BffConfig {
  requireVars(env, 'BFF', ['BFF_PUBLIC_ORIGIN', 'BFF_CLIENT_ID', 'SESSION_SECRETS', 'PROFILE_SERVICE_URL', 'PROFILE_SERVICE_SCOPE'])
  if (env.REDIS_URL && !env.TOKEN_CACHE_KEYS) {
    throw new Error('Invalid configuration: REDIS_URL needs TOKEN_CACHE_KEYS (token caches are encrypted at rest)')
  }
  const publicOrigin = env.BFF_PUBLIC_ORIGIN!
  return {
    host: env.BFF_HOST,
    port: env.BFF_PORT,
    publicOrigin,
    tenant: tenantEndpoints(env),
    clientId: env.BFF_CLIENT_ID!,
    credential: clientCredential('BFF', env.BFF_CLIENT_SECRET, env.BFF_CLIENT_CERTIFICATE_KEY_FILE, env.BFF_CLIENT_CERTIFICATE_THUMBPRINT),
    redirectUri: env.BFF_REDIRECT_URI ?? `${publicOrigin}/auth/redirect`,
    postLogoutRedirectUri: env.BFF_POST_LOGOUT_REDIRECT_URI ?? `${publicOrigin}/`,
    graphBaseUrl: env.GRAPH_BASE_URL ?? microsoftGraph,
    profileService: { baseUrl: env.PROFILE_SERVICE_URL!, scope: env.PROFILE_SERVICE_SCOPE! },
    session: {
      secrets: strongSessionSecrets(env.SESSION_SECRETS!),
      ...cookieSecurity(publicOrigin),
      idleTimeoutMs: env.SESSION_IDLE_MINUTES * 60_000,
      absoluteTimeoutMs: env.SESSION_ABSOLUTE_HOURS * 3_600_000,
      redisUrl: env.REDIS_URL,
      redisKeyPrefix: env.REDIS_KEY_PREFIX,
      tokenCacheKeys: env.TOKEN_CACHE_KEYS ? strongTokenCacheKeys(env.TOKEN_CACHE_KEYS) : [],
    },
    viewCache: env.BFF_VIEW_CACHE,
    logLevel: env.LOG_LEVEL,
    timeouts: serverTimeouts(env),
    trustProxy: bffTrustProxy(env.TRUST_PROXY, publicOrigin),
  }
}

export function entraProfileServiceConfig(env: Env): ProfileServiceConfig {
  requireVars(env, 'edit profile service', ['PROFILE_SERVICE_CLIENT_ID', 'PROFILE_SERVICE_SCOPE'])
  return {
    host: env.PROFILE_SERVICE_HOST,
    port: env.PROFILE_SERVICE_PORT,
    tenant: tenantEndpoints(env),
    clientId: env.PROFILE_SERVICE_CLIENT_ID!,
    credential: clientCredential(
      'edit profile service', env.PROFILE_SERVICE_CLIENT_SECRET,
      env.PROFILE_SERVICE_CLIENT_CERTIFICATE_KEY_FILE, env.PROFILE_SERVICE_CLIENT_CERTIFICATE_THUMBPRINT,
    ),
    requiredScope: env.PROFILE_SERVICE_SCOPE!.split('/').pop()!,
    requiredAuthContext: env.PROFILE_SERVICE_AUTH_CONTEXT,
    graphBaseUrl: env.GRAPH_BASE_URL ?? microsoftGraph,
    logLevel: env.LOG_LEVEL,
    timeouts: serverTimeouts(env),
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
  }
}
