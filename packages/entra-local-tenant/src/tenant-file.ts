import { readFile } from 'node:fs/promises'
import { Ajv, type ValidateFunction } from 'ajv'

// The tenant as configured: one JSON file (the shipped default or LOCAL_TENANT_FILE), checked
// against tenant.schema.json (which editors validate with too).

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
  /** Entra's "Front-channel logout URL": the tenant's logout page loads it in a hidden iframe with `?sid=`. */
  frontChannelLogoutUrl?: string
  requirePkce: boolean
  /**
   * Entra's `isFallbackPublicClient` ("Allow public client flows"): a desktop or mobile app that
   * has no credential. Its token requests carry none (AADSTS700025 if they do), and it gets
   * tokens only for a user (authorization code, refresh token).
   */
  isFallbackPublicClient?: boolean
  /** Delegated permissions: Graph scope names, or full API scope URIs. */
  permissions: string[]
  /**
   * Application permissions with admin consent (app-only tokens carry them as `roles`): Graph
   * role names (e.g. `User.Read.All`), or `{identifierUri}/{role}` for the tenant's APIs.
   */
  applicationPermissions?: string[]
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
    /**
     * Access tokens for clients that declared the `cp1` capability (Continuous Access Evaluation):
     * Entra issues them long-lived, because a resource can revoke them at once (continuous-access-
     * evaluation.md: "long-lived" tokens, up to 28 hours; the exact value is Entra's, not checked offline).
     */
    caeAccessTokenLifetimeSeconds: number
    mfaCodeLifetimeSeconds: number
    mfaCodeAttempts: number
    passwordAttemptsBeforeLockout: number
    lockoutSeconds: number
    /** Sign-in page posts per client address per minute. */
    signInRequestsPerMinute: number
    /** "Send a new code" presses allowed for one pending sign-in or sign-up. */
    oneTimeCodeResendsPerSignIn: number
    /** One-time codes mailed to one address per rolling hour, across all sign-ins. */
    oneTimeCodesPerHour: number
    /** Refresh token lifetime (Entra: 90 days). */
    refreshTokenLifetimeSeconds: number
    /** Refresh token lifetime after a sign-in with an email one-time passcode (Entra: 24 hours). */
    emailOtpRefreshTokenLifetimeSeconds: number
    /** Off by default, as in Entra: a replayed rotated refresh token revokes its whole family. */
    strictRefreshTokenReuseDetection: boolean
  }
}

/** Settings a tenant file may leave out (older files, or files written for one test). */
export const defaultSettings: TenantFile['settings'] = {
  accessTokenLifetimeSeconds: 3600,
  caeAccessTokenLifetimeSeconds: 24 * 3600,
  mfaCodeLifetimeSeconds: 600,
  mfaCodeAttempts: 5,
  passwordAttemptsBeforeLockout: 5,
  lockoutSeconds: 300,
  signInRequestsPerMinute: 120,
  oneTimeCodeResendsPerSignIn: 3,
  oneTimeCodesPerHour: 10,
  refreshTokenLifetimeSeconds: 90 * 86_400,
  emailOtpRefreshTokenLifetimeSeconds: 86_400,
  strictRefreshTokenReuseDetection: false,
}

let validateTenantFile: ValidateFunction | undefined

/** Where and how a tenant file breaks tenant.schema.json, or undefined when it does not. */
export async function tenantFileProblem(tenant: unknown): Promise<string | undefined> {
  validateTenantFile ??= new Ajv({ allErrors: false }).compile(JSON.parse(await readFile(new URL('../tenant.schema.json', import.meta.url), 'utf8')))
  if (validateTenantFile(tenant)) return undefined
  const [error] = validateTenantFile.errors ?? []
  const where = error?.instancePath || '(the file)'
  const detail = error?.keyword === 'additionalProperties' ? `has "${String(error.params.additionalProperty)}", which a tenant file does not know` : error?.message
  return `${where} ${detail}`
}

/** The tenant file shipped with the package. */
export const shippedTenantFile = new URL('../tenant.default.json', import.meta.url).pathname

export async function readTenantFile(path?: string): Promise<TenantFile> {
  const file = path ?? shippedTenantFile
  const tenant = JSON.parse(await readFile(file, 'utf8')) as TenantFile
  const problem = await tenantFileProblem(tenant)
  if (problem) throw new Error(`${file}: ${problem} (see tenant.schema.json)`)
  tenant.policies ??= []
  tenant.authenticationContexts ??= []
  tenant.settings = { ...defaultSettings, ...tenant.settings }
  return tenant
}
