import { randomBytes } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { LocalTenantConfig } from 'entra-local-tenant'
import { loggerOptions } from '../lib/logger.ts'
import { requestIds } from '../lib/telemetry/request-id.ts'
import { instrumentRole } from '../lib/telemetry/telemetry.ts'
import { type BffEnv, bffConfig } from './bff-config.ts'
import type { Env } from './env-schema.ts'
import { profileServiceConfig } from './profile-service-config.ts'
import { serverTimeouts } from './timeouts.ts'
import type { BffConfig, LogLevel, ProfileServiceConfig, RoleTenant } from './types.ts'

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

/** The tenant as one of this app's roles: the app's logger, request ids (trace ids with telemetry) and telemetry. */
export function localTenantAsRole(logLevel: LogLevel): Pick<LocalTenantConfig, 'logger' | 'requestIds' | 'instrument'> {
  return {
    logger: loggerOptions(logLevel, 'local-tenant'),
    requestIds: (origin) => requestIds({ acceptClientRequestId: origin === 'back-channel', acceptTraceContext: origin === 'back-channel' }),
    instrument: (app) => instrumentRole(app, 'local-tenant'),
  }
}

export function localTenantConfig(env: Env): LocalTenantConfig {
  return {
    ...localTenantAsRole(env.LOG_LEVEL),
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

/** The local tenant as one of its two client apps sees it. */
function roleTenant(tenant: LocalTenantConnection, app: 'bff' | 'profileService'): RoleTenant {
  return {
    endpoints: { authority: tenant.authority, knownAuthority: tenant.knownAuthority, extraCaPem: [tenant.caCertificatePem] },
    graphBaseUrl: tenant.graphBaseUrl,
    clientId: tenant.apps[app].clientId,
    credential: { kind: 'secret', clientSecret: tenant.apps[app].clientSecret },
    profileServiceScope: tenant.apps.profileService.scope,
  }
}

function randomSecret(bytes: number): string {
  return randomBytes(bytes).toString('base64')
}

/**
 * What the local profile lets the environment leave unset: a localhost origin, the service on its
 * default port, and fresh secrets per run, so nothing secret is ever committed. Given values are
 * checked (for strength too) exactly as with the entra profile.
 */
function withLocalDefaults(env: Env): BffEnv {
  return {
    ...env,
    BFF_PUBLIC_ORIGIN: env.BFF_PUBLIC_ORIGIN ?? `http://localhost:${env.BFF_PORT}`,
    PROFILE_SERVICE_URL: env.PROFILE_SERVICE_URL ?? `http://127.0.0.1:${env.PROFILE_SERVICE_PORT}`,
    SESSION_SECRETS: env.SESSION_SECRETS ?? randomSecret(32),
    TOKEN_CACHE_KEYS: env.TOKEN_CACHE_KEYS ?? randomSecret(32),
  }
}

export function localBffConfig(env: Env, tenant: LocalTenantConnection): BffConfig {
  return bffConfig(withLocalDefaults(env), roleTenant(tenant, 'bff'))
}

export function localProfileServiceConfig(env: Env, tenant: LocalTenantConnection): ProfileServiceConfig {
  return profileServiceConfig(env, roleTenant(tenant, 'profileService'))
}
