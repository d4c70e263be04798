import { randomBytes } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { cookieSecurity } from './bff-origin.ts'
import type { Env } from './env-schema.ts'
import { strongSessionSecrets, strongTokenCacheKeys } from './secret-strength.ts'
import { serverTimeouts } from './timeouts.ts'
import { bffTrustProxy, parseTrustProxy } from './trust-proxy.ts'
import type { BffConfig, LocalTenantConfig, ProfileServiceConfig, TenantEndpoints } from './types.ts'

// The `local` profile: zero setup. The local tenant's app registrations, generated secrets and CA
// configure the BFF and the edit profile service. A tenant started by this process is used
// directly; a role started alone reads what a running tenant wrote to its data dir.

/** What a client of the local tenant needs to know about it (a subset of LocalTenant). */
export interface LocalTenantConnection {
  authority: string
  knownAuthority: string
  caCertificatePem: string
  graphBaseUrl: string
  apps: {
    bff: { clientId: string; clientSecret: string }
    profileService: { clientId: string; clientSecret: string; scope: string }
  }
}

const connectionFile = 'connection.json'

export function localTenantConfig(env: Env): LocalTenantConfig {
  return {
    dataDir: env.LOCAL_TENANT_DATA_DIR,
    tenantFile: env.LOCAL_TENANT_FILE,
    hostname: env.LOCAL_TENANT_HOSTNAME,
    bindAddress: env.LOCAL_TENANT_BIND,
    httpPort: env.LOCAL_TENANT_HTTP_PORT,
    httpsPort: env.LOCAL_TENANT_HTTPS_PORT,
    testApi: false,
    logLevel: env.LOG_LEVEL,
    timeouts: serverTimeouts(env),
  }
}

/** Written by the process that runs the tenant (mode 0600: it holds the dev client secrets). */
export function writeLocalTenantConnection(dataDir: string, tenant: LocalTenantConnection): void {
  const { authority, knownAuthority, caCertificatePem, graphBaseUrl, apps } = tenant
  const connection: LocalTenantConnection = {
    authority, knownAuthority, caCertificatePem, graphBaseUrl,
    apps: {
      bff: { clientId: apps.bff.clientId, clientSecret: apps.bff.clientSecret },
      profileService: { clientId: apps.profileService.clientId, clientSecret: apps.profileService.clientSecret, scope: apps.profileService.scope },
    },
  }
  writeFileSync(join(dataDir, connectionFile), JSON.stringify(connection, null, 2), { mode: 0o600 })
}

export function readLocalTenantConnection(dataDir: string): LocalTenantConnection {
  try {
    return JSON.parse(readFileSync(join(dataDir, connectionFile), 'utf8')) as LocalTenantConnection
  } catch {
    throw new Error(`No local tenant found in ${dataDir}: start it first with "npm run local-tenant" (or run all roles with "npm start")`)
  }
}

function endpoints(tenant: LocalTenantConnection): TenantEndpoints {
  return { authority: tenant.authority, knownAuthority: tenant.knownAuthority, extraCaPem: [tenant.caCertificatePem] }
}

function randomSecret(bytes: number): string {
  return randomBytes(bytes).toString('base64')
}

export function localBffConfig(env: Env, tenant: LocalTenantConnection): BffConfig {
  const publicOrigin = env.BFF_PUBLIC_ORIGIN ?? `http://localhost:${env.BFF_PORT}`
  const serviceUrl = env.PROFILE_SERVICE_URL ?? `http://127.0.0.1:${env.PROFILE_SERVICE_PORT}`
  return {
    host: env.BFF_HOST,
    port: env.BFF_PORT,
    publicOrigin,
    tenant: endpoints(tenant),
    clientId: tenant.apps.bff.clientId,
    credential: { kind: 'secret', clientSecret: tenant.apps.bff.clientSecret },
    redirectUri: env.BFF_REDIRECT_URI ?? `${publicOrigin}/auth/redirect`,
    postLogoutRedirectUri: env.BFF_POST_LOGOUT_REDIRECT_URI ?? `${publicOrigin}/`,
    graphBaseUrl: env.GRAPH_BASE_URL ?? tenant.graphBaseUrl,
    profileService: { baseUrl: serviceUrl, scope: tenant.apps.profileService.scope },
    session: {
      // Local development: fresh secrets per run unless given, so nothing secret is ever committed.
      secrets: env.SESSION_SECRETS ? strongSessionSecrets(env.SESSION_SECRETS) : [randomSecret(32)],
      ...cookieSecurity(publicOrigin),
      idleTimeoutMs: env.SESSION_IDLE_MINUTES * 60_000,
      absoluteTimeoutMs: env.SESSION_ABSOLUTE_HOURS * 3_600_000,
      redisUrl: env.REDIS_URL,
      redisKeyPrefix: env.REDIS_KEY_PREFIX,
      tokenCacheKeys: env.TOKEN_CACHE_KEYS ? strongTokenCacheKeys(env.TOKEN_CACHE_KEYS) : [randomSecret(32)],
    },
    viewCache: env.BFF_VIEW_CACHE,
    logLevel: env.LOG_LEVEL,
    timeouts: serverTimeouts(env),
    trustProxy: bffTrustProxy(env.TRUST_PROXY, publicOrigin),
  }
}

export function localProfileServiceConfig(env: Env, tenant: LocalTenantConnection): ProfileServiceConfig {
  return {
    host: env.PROFILE_SERVICE_HOST,
    port: env.PROFILE_SERVICE_PORT,
    tenant: endpoints(tenant),
    clientId: tenant.apps.profileService.clientId,
    credential: { kind: 'secret', clientSecret: tenant.apps.profileService.clientSecret },
    requiredScope: tenant.apps.profileService.scope.split('/').pop()!,
    requiredAuthContext: env.PROFILE_SERVICE_AUTH_CONTEXT,
    graphBaseUrl: env.GRAPH_BASE_URL ?? tenant.graphBaseUrl,
    logLevel: env.LOG_LEVEL,
    timeouts: serverTimeouts(env),
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
  }
}
