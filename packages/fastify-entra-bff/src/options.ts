import type { SessionSettings, TenantEndpoints } from './config-types.ts'
import type { EntraBffHooks, EntraBffOptions } from './types.ts'
import { safeReturnTo } from './return-to.ts'

// The options checked at `register`: every problem at once, each naming its option, so a
// misconfigured app stops before it listens. Defaults are applied here and nowhere else.

export class EntraBffOptionsError extends Error {
  readonly problems: string[]
  constructor(problems: string[]) {
    super(`fastify-entra-bff: ${problems.length === 1 ? 'an option is' : `${problems.length} options are`} not usable:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
    this.name = 'EntraBffOptionsError'
    this.problems = problems
  }
}

export interface ResolvedOptions {
  tenant: TenantEndpoints
  clientId: string
  credential: EntraBffOptions['credential']
  publicOrigin: string
  signInScopes: string[]
  routePrefix: string
  redirectPath: string
  redirectUri: string
  postLogoutRedirectUri: string
  afterStepUp: string
  signedOutLanding: string
  clientCapabilities: string[]
  session: SessionSettings & { keep: string[] }
  deadlines: { tokenWaitMs?: number; lockWaitMs?: number }
  authRateLimitPerMinute: number
  hooks: EntraBffHooks
}

const minimumSecretLength = 32
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)
const isText = (value: unknown): value is string => typeof value === 'string' && value.length > 0
const isPath = (value: unknown) => typeof value === 'string' && safeReturnTo(value, '') === value
const isPositive = (value: unknown) => value === undefined || (typeof value === 'number' && Number.isFinite(value) && value > 0)

function originOf(value: unknown): string | undefined {
  if (!isText(value)) return undefined
  try {
    const url = new URL(value)
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value.replace(/\/$/, '') ? url.origin : undefined
  } catch {
    return undefined
  }
}

function isHttpUrl(value: unknown): boolean {
  if (!isText(value)) return false
  try {
    const { protocol } = new URL(value)
    return protocol === 'https:' || protocol === 'http:'
  } catch {
    return false
  }
}

function credentialProblem(credential: unknown): string | undefined {
  if (!isObject(credential)) return 'credential: give { kind: "secret", clientSecret } or { kind: "certificate", privateKeyPem, thumbprintSha256 }'
  if (credential.kind === 'secret') return isText(credential.clientSecret) ? undefined : 'credential.clientSecret: the app registration\'s client secret is missing'
  if (credential.kind === 'certificate') {
    if (!isText(credential.privateKeyPem) || !credential.privateKeyPem.includes('PRIVATE KEY')) return 'credential.privateKeyPem: a PEM private key is needed'
    return typeof credential.thumbprintSha256 === 'string' && /^[0-9a-fA-F]{64}$/.test(credential.thumbprintSha256) ? undefined : 'credential.thumbprintSha256: the certificate\'s SHA-256 thumbprint (64 hex digits) is needed'
  }
  return 'credential.kind: "secret" or "certificate"'
}

/** Checks the options and fills in the defaults; throws EntraBffOptionsError listing every problem. */
export function resolveOptions(options: EntraBffOptions): ResolvedOptions {
  const problems: string[] = []
  const raw: Record<string, unknown> = isObject(options) ? options : {}
  const tenant = raw.tenant
  if (!isObject(tenant) || !isHttpUrl(tenant.authority)) {
    problems.push('tenant.authority: the tenant\'s authority URL is needed, e.g. https://contoso.ciamlogin.com/<tenant id>')
  }
  if (isObject(tenant) && tenant.knownAuthority !== undefined && !isText(tenant.knownAuthority)) problems.push('tenant.knownAuthority: the authority\'s host, e.g. contoso.ciamlogin.com')
  if (isObject(tenant) && tenant.extraCaPem !== undefined && !Array.isArray(tenant.extraCaPem)) problems.push('tenant.extraCaPem: a list of PEM certificates')
  if (!isText(raw.clientId)) problems.push('clientId: the app registration\'s Application (client) ID is needed')
  const credential = credentialProblem(raw.credential)
  if (credential) problems.push(credential)
  const publicOrigin = originOf(raw.publicOrigin)
  if (!publicOrigin) problems.push('publicOrigin: the origin users browse is needed, e.g. https://app.example.com (no path)')
  const routePrefix = raw.routePrefix ?? '/auth'
  if (!isPath(routePrefix) || String(routePrefix).endsWith('/')) problems.push('routePrefix: a path such as /auth (no trailing slash)')
  for (const name of ['redirectPath', 'afterStepUp', 'signedOutLanding'] as const) {
    if (raw[name] !== undefined && !isPath(raw[name])) problems.push(`${name}: a path on this site, starting with /`)
  }
  if (raw.postLogoutRedirect !== undefined && !isPath(raw.postLogoutRedirect) && !isHttpUrl(raw.postLogoutRedirect)) {
    problems.push('postLogoutRedirect: a path on this site or an absolute http(s) URL')
  }
  for (const name of ['signInScopes', 'clientCapabilities'] as const) {
    const list = raw[name]
    if (list !== undefined && (!Array.isArray(list) || !list.every(isText))) problems.push(`${name}: a list of non-empty strings`)
  }
  const session = raw.session
  if (!isObject(session)) {
    problems.push('session: { secrets: [...] } is needed')
  } else {
    const { secrets } = session
    if (!Array.isArray(secrets) || secrets.length === 0 || !secrets.every((s) => typeof s === 'string' && s.length >= minimumSecretLength)) {
      problems.push(`session.secrets: at least one secret of ${minimumSecretLength} or more characters (the first signs, all verify)`)
    }
    for (const name of ['idleTimeoutMs', 'absoluteTimeoutMs'] as const) if (!isPositive(session[name])) problems.push(`session.${name}: a positive number of milliseconds`)
    if (session.keep !== undefined && (!Array.isArray(session.keep) || !session.keep.every(isText))) problems.push('session.keep: a list of session keys')
    if (session.secureCookie === false && publicOrigin?.startsWith('https:')) problems.push('session.secureCookie: must not be false when publicOrigin is https')
  }
  const deadlines = isObject(raw.deadlines) ? raw.deadlines : {}
  for (const name of ['tokenWaitMs', 'lockWaitMs'] as const) if (!isPositive(deadlines[name])) problems.push(`deadlines.${name}: a positive number of milliseconds`)
  if (!isPositive(raw.authRateLimitPerMinute)) problems.push('authRateLimitPerMinute: a positive number')
  if (raw.hooks !== undefined && (!isObject(raw.hooks) || !Object.values(raw.hooks).every((hook) => hook === undefined || typeof hook === 'function'))) {
    problems.push('hooks: an object of functions (uiLocales, signInFailed, stepUpFragment, signInAgainFragment, stepUpEnded, clientRequestId)')
  }
  if (problems.length > 0 || !publicOrigin || !isObject(session)) throw new EntraBffOptionsError(problems)

  const prefix = String(routePrefix)
  const redirectPath = options.redirectPath ?? `${prefix}/redirect`
  const sessionOptions = options.session
  return {
    tenant: { authority: options.tenant.authority, knownAuthority: options.tenant.knownAuthority ?? new URL(options.tenant.authority).host, extraCaPem: options.tenant.extraCaPem ?? [] },
    clientId: options.clientId,
    credential: options.credential,
    publicOrigin,
    signInScopes: options.signInScopes ?? ['User.Read'],
    routePrefix: prefix,
    redirectPath,
    redirectUri: `${publicOrigin}${redirectPath}`,
    postLogoutRedirectUri: new URL(options.postLogoutRedirect ?? '/', `${publicOrigin}/`).toString(),
    afterStepUp: options.afterStepUp ?? '/',
    signedOutLanding: options.signedOutLanding ?? '/',
    clientCapabilities: options.clientCapabilities ?? ['cp1'],
    session: {
      secrets: sessionOptions.secrets,
      secureCookie: sessionOptions.secureCookie ?? publicOrigin.startsWith('https:'),
      idleTimeoutMs: sessionOptions.idleTimeoutMs ?? 30 * 60_000,
      absoluteTimeoutMs: sessionOptions.absoluteTimeoutMs ?? 12 * 60 * 60_000,
      keep: sessionOptions.keep ?? [],
      ...(sessionOptions.now ? { now: sessionOptions.now } : {}),
    },
    deadlines: options.deadlines ?? {},
    authRateLimitPerMinute: options.authRateLimitPerMinute ?? 60,
    hooks: options.hooks ?? {},
  }
}
