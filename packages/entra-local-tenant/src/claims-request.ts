import type { TenantFile } from './tenant-file.ts'

// The `claims` request parameter (OpenID Connect Core §5.5) as far as the tenant acts on it:
// authentication contexts (`access_token.acrs`) and Conditional Access policy ids
// (`access_token.capolids`). Anything else in it is ignored, as Entra ignores claims it does not
// know; a value of the wrong shape is the client's error, never a crash.

export interface ClaimsRequest {
  contexts: string[]
  policyIds: string[]
  /** Client capabilities msal declares (`clientCapabilities: ['cp1']` → `access_token.xms_cc.values`). */
  capabilities: string[]
}

export class ClaimsRequestError extends Error {}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)
const isStringArray = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === 'string')

function member(parent: Record<string, unknown>, name: string): unknown {
  return Object.hasOwn(parent, name) ? parent[name] : undefined
}

function valuesOf(request: unknown, name: string): string[] {
  if (request === undefined || request === null) return []
  if (!isObject(request)) throw new ClaimsRequestError(`The 'claims' parameter is not valid: access_token.${name} must be an object.`)
  const values = member(request, 'values')
  const value = member(request, 'value')
  if (values !== undefined && !isStringArray(values)) throw new ClaimsRequestError(`The 'claims' parameter is not valid: access_token.${name}.values must be an array of strings.`)
  if (value !== undefined && typeof value !== 'string') throw new ClaimsRequestError(`The 'claims' parameter is not valid: access_token.${name}.value must be a string.`)
  return [...(values ?? []), ...(value !== undefined ? [value] : [])]
}

/** The contexts and policies a `claims` parameter asks for; throws ClaimsRequestError when it is malformed. */
export function parseClaimsRequest(raw: string | undefined, tenant: TenantFile): ClaimsRequest {
  if (raw === undefined || raw === '') return { contexts: [], policyIds: [], capabilities: [] }
  let claims: unknown
  try {
    claims = JSON.parse(raw)
  } catch {
    throw new ClaimsRequestError("The 'claims' parameter is not valid JSON.")
  }
  if (!isObject(claims)) throw new ClaimsRequestError("The 'claims' parameter must be a JSON object.")
  const accessToken = member(claims, 'access_token')
  if (accessToken === undefined || accessToken === null) return { contexts: [], policyIds: [], capabilities: [] }
  if (!isObject(accessToken)) throw new ClaimsRequestError("The 'claims' parameter is not valid: access_token must be an object.")
  const contexts = valuesOf(member(accessToken, 'acrs'), 'acrs')
  // Entra's documented context ids are c1..c99; one the tenant does not define cannot be satisfied.
  const unknown = contexts.filter((id) => !tenant.authenticationContexts.some((context) => context.id === id))
  if (unknown.length > 0) throw new ClaimsRequestError(`The authentication context '${unknown.join("', '")}' is not defined in this tenant.`)
  return {
    contexts,
    policyIds: valuesOf(member(accessToken, 'capolids'), 'capolids'),
    capabilities: valuesOf(member(accessToken, 'xms_cc'), 'xms_cc'),
  }
}
