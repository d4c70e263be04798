import type { Env } from './env-schema.ts'
import { serverTimeouts } from './timeouts.ts'
import { parseTrustProxy } from './trust-proxy.ts'
import type { ProfileServiceConfig, RoleTenant } from './types.ts'

/** The edit profile service's configuration, the same for both profiles; the profile supplies the tenant. */
export function profileServiceConfig(env: Env, tenant: RoleTenant): ProfileServiceConfig {
  return {
    host: env.PROFILE_SERVICE_HOST,
    port: env.PROFILE_SERVICE_PORT,
    tenant: tenant.endpoints,
    clientId: tenant.clientId,
    credential: tenant.credential,
    // Access tokens carry the bare scope name in `scp`, not the api:// URI.
    requiredScope: tenant.profileServiceScope.slice(tenant.profileServiceScope.lastIndexOf('/') + 1),
    requiredAuthContext: env.PROFILE_SERVICE_AUTH_CONTEXT,
    graphBaseUrl: env.GRAPH_BASE_URL ?? tenant.graphBaseUrl,
    logLevel: env.LOG_LEVEL,
    timeouts: serverTimeouts(env),
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
  }
}
