import { readFileSync } from 'node:fs'
import { bffConfig } from './bff-config.ts'
import { clientCredential } from './credentials.ts'
import type { Env } from './env-schema.ts'
import { profileServiceConfig } from './profile-service-config.ts'
import type { BffConfig, ProfileServiceConfig, TenantEndpoints } from './types.ts'

const microsoftGraph = 'https://graph.microsoft.com/v1.0'

// Configuration for a real External ID tenant: everything comes from the environment.
// Each role checks only the variables it needs, so one container can run one role.

/** The variables each role needs with PROFILE=entra (its credential aside: a secret or a certificate). */
export const entraRequiredVariables = {
  bff: ['TENANT_SUBDOMAIN', 'TENANT_ID', 'BFF_PUBLIC_ORIGIN', 'BFF_CLIENT_ID', 'SESSION_SECRETS', 'PROFILE_SERVICE_URL', 'PROFILE_SERVICE_SCOPE'],
  'profile-service': ['TENANT_SUBDOMAIN', 'TENANT_ID', 'PROFILE_SERVICE_CLIENT_ID', 'PROFILE_SERVICE_SCOPE'],
} as const satisfies Record<string, (keyof Env)[]>

function requireVars<Name extends keyof Env>(env: Env, role: string, names: readonly Name[]): asserts env is Env & Required<Pick<Env, Name>> {
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
  requireVars(env, 'BFF', entraRequiredVariables.bff)
  return bffConfig(env, {
    endpoints: tenantEndpoints(env),
    graphBaseUrl: microsoftGraph,
    clientId: env.BFF_CLIENT_ID,
    credential: clientCredential('BFF', env.BFF_CLIENT_SECRET, env.BFF_CLIENT_CERTIFICATE_KEY_FILE, env.BFF_CLIENT_CERTIFICATE_THUMBPRINT),
    profileServiceScope: env.PROFILE_SERVICE_SCOPE,
  })
}

export function entraProfileServiceConfig(env: Env): ProfileServiceConfig {
  requireVars(env, 'edit profile service', entraRequiredVariables['profile-service'])
  return profileServiceConfig(env, {
    endpoints: tenantEndpoints(env),
    graphBaseUrl: microsoftGraph,
    clientId: env.PROFILE_SERVICE_CLIENT_ID,
    credential: clientCredential(
      'edit profile service', env.PROFILE_SERVICE_CLIENT_SECRET,
      env.PROFILE_SERVICE_CLIENT_CERTIFICATE_KEY_FILE, env.PROFILE_SERVICE_CLIENT_CERTIFICATE_THUMBPRINT,
    ),
    profileServiceScope: env.PROFILE_SERVICE_SCOPE,
  })
}
