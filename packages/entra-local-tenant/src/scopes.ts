import { graphAppId, graphResource, type AppRegistration, type TenantFile } from './tenant-file.ts'

// Scopes as Entra reads them: OIDC scopes plus the scopes of one resource per token. The
// authorize request's scope "can cover multiple resources" (consent for all at once); a refresh
// whose scopes span several resources gets a token for the resource of the first scope; code
// redemption refuses several resources with AADSTS28000 (v2-oauth2-auth-code-flow.md, "Request
// an authorization code" and "Refresh the access token"; reference-error-codes.md).

export const oidcScopes = new Set(['openid', 'profile', 'email', 'offline_access'])

export interface ScopeRequest {
  oidc: string[]
  /** The resource's scopes as the client wrote them (echoed back in that form). */
  requested: string[]
  /** Bare permission names, e.g. User.Read or EditProfileService.ReadWrite */
  permissions: string[]
  resource: { appId: string; kind: 'graph' } | { appId: string; kind: 'api'; app: AppRegistration }
  /** Scopes of resources after the first, as written (authorize may name several; no token carries them). */
  otherResources: string[]
}

/** What a request that names several resources gets: authorize and refresh take the first, code redemption refuses. */
export type SeveralResources = 'first' | 'refuse'

export class ScopeError extends Error {
  code: number
  constructor(code: number, message: string) {
    super(message)
    this.code = code
  }
}

function resourceOf(scope: string, tenant: TenantFile): { resource: ScopeRequest['resource']; permission: string } {
  if (!scope.includes('/')) return { resource: { appId: graphAppId, kind: 'graph' }, permission: scope }
  const cut = scope.lastIndexOf('/')
  const prefix = scope.slice(0, cut)
  const permission = scope.slice(cut + 1)
  if (prefix === graphResource) return { resource: { appId: graphAppId, kind: 'graph' }, permission }
  const app = Object.values(tenant.apps).find((candidate) => candidate.identifierUri === prefix || candidate.clientId === prefix)
  if (!app) throw new ScopeError(500011, `The resource principal named ${prefix} was not found in the tenant named ${tenant.tenant.displayName}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.`)
  if (permission !== '.default' && !app.exposedScopes?.includes(permission)) {
    throw new ScopeError(70011, `The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope ${scope} does not exist.`)
  }
  return { resource: { appId: app.clientId, kind: 'api', app }, permission }
}

export function parseScopes(scope: string | undefined, tenant: TenantFile, severalResources: SeveralResources = 'refuse'): ScopeRequest {
  const all = (scope ?? '').split(' ').filter(Boolean)
  const oidc = all.filter((s) => oidcScopes.has(s))
  const requested = all.filter((s) => !oidcScopes.has(s))
  if (requested.length === 0) {
    // Only OIDC scopes: Entra issues a Graph token carrying them.
    return { oidc, requested: [], permissions: [], resource: { appId: graphAppId, kind: 'graph' }, otherResources: [] }
  }
  const parsed = requested.map((s, index) => ({ ...resourceOf(s, tenant), scope: requested[index] }))
  const first = parsed[0].resource.appId
  const ofFirst = parsed.filter((p) => p.resource.appId === first)
  if (ofFirst.length < parsed.length && severalResources === 'refuse') {
    throw new ScopeError(28000, `Provided value for the input parameter scope '${all.join(' ')}' is not valid because it contains more than one resource. Scope ${requested.join(' ')} is not valid.`)
  }
  return {
    oidc, requested: ofFirst.map((p) => p.scope), permissions: ofFirst.map((p) => p.permission), resource: parsed[0].resource,
    otherResources: parsed.filter((p) => p.resource.appId !== first).map((p) => p.scope),
  }
}

/** Whether the client app was granted (admin consent) every permission it asks for. */
export function consentedPermissions(client: AppRegistration, request: ScopeRequest): boolean {
  return request.permissions.every((permission) => {
    if (permission === '.default') return true
    if (request.resource.kind === 'graph') return client.permissions.includes(permission) || client.permissions.includes(`${graphResource}/${permission}`)
    return client.permissions.includes(`${request.resource.app.identifierUri}/${permission}`)
  })
}

/** The application permissions (app roles) granted to a client on the resource of its `/.default` request. */
export function applicationPermissionsFor(client: AppRegistration, request: ScopeRequest): string[] {
  const granted = client.applicationPermissions ?? []
  if (request.resource.kind === 'graph') {
    return granted.filter((role) => !role.includes('/') || role.startsWith(`${graphResource}/`)).map((role) => role.slice(role.lastIndexOf('/') + 1))
  }
  const prefix = `${request.resource.app.identifierUri}/`
  return granted.filter((role) => role.startsWith(prefix)).map((role) => role.slice(prefix.length))
}
