import { readFile } from 'node:fs/promises'

// The tenant as configured: one JSON file (the shipped default or LOCAL_TENANT_FILE).

export const graphAppId = '00000003-0000-0000-c000-000000000000'
export const graphResource = 'https://graph.microsoft.com'

export interface AppRegistration {
  clientId: string
  displayName: string
  /** For APIs: api://{clientId}; scopes are `${identifierUri}/${scope}`. */
  identifierUri?: string
  exposedScopes?: string[]
  redirectUris: string[]
  postLogoutRedirectUris: string[]
  requirePkce: boolean
  /** Delegated permissions: Graph scope names, or full API scope URIs. */
  permissions: string[]
}

export interface SeedUser {
  id: string
  email: string
  password: string
  displayName: string
  givenName?: string
  surname?: string
}

export interface ConditionalAccessPolicy {
  id: string
  displayName: string
  state: 'enabled' | 'disabled'
  /** Resource app ids the policy protects (Graph is 00000003-0000-0000-c000-000000000000). */
  targetAppIds: string[]
  grant: 'mfa'
}

export interface TenantFile {
  tenant: { id: string; subdomain: string; displayName: string }
  apps: Record<string, AppRegistration> & { bff: AppRegistration; profileService: AppRegistration }
  users: SeedUser[]
  policies: ConditionalAccessPolicy[]
  authenticationContexts: { id: string; displayName: string; grant: 'mfa' }[]
  settings: {
    accessTokenLifetimeSeconds: number
    mfaCodeLifetimeSeconds: number
    mfaCodeAttempts: number
    passwordAttemptsBeforeLockout: number
    lockoutSeconds: number
    /** Sign-in page posts per client address per minute. */
    signInRequestsPerMinute: number
  }
}

export async function readTenantFile(path?: string): Promise<TenantFile> {
  const file = path ?? new URL('./tenant.default.json', import.meta.url).pathname
  const tenant = JSON.parse(await readFile(file, 'utf8')) as TenantFile
  if (!tenant.apps?.bff || !tenant.apps?.profileService) {
    throw new Error(`${file}: the tenant needs app registrations "bff" and "profileService"`)
  }
  return tenant
}
