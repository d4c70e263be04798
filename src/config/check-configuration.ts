import { chooseRoles, type Role } from '../roles.ts'
import { cookieSecurity } from './bff-origin.ts'
import { ConfigurationError, type ConfigurationProblem, problemOf } from './configuration-error.ts'
import { entraRequiredVariables } from './entra-profile.ts'
import type { Env } from './env-schema.ts'
import { unreadableFile } from './file-problem.ts'
import { checkEnv } from './read-env.ts'
import { redisProblems } from './redis-config.ts'
import { strongSessionSecrets, strongTokenCacheKeys } from './secret-strength.ts'
import { bffTrustProxy, parseTrustProxy } from './trust-proxy.ts'

// Everything about the configuration that can be known before a role starts, checked at once:
// the schema, what the profile and the chosen roles need, and the rules across variables that the
// config builders enforce one at a time. `npm start` runs this first, so a bad configuration
// exits 1 with the whole list and no role ever listens.

type Variable = keyof Env

/** A secret, or a certificate key file with its thumbprint: exactly one of them. */
function credentialProblems(env: Env, secret: Variable, keyFile: Variable, thumbprint: Variable, invalid: Set<string>): ConfigurationProblem[] {
  if ([secret, keyFile, thumbprint].some((name) => invalid.has(name))) return []
  if (env[secret] && env[keyFile]) return [{ variable: keyFile, problem: `is set as well as ${secret}: set one of them` }]
  if (env[secret]) return []
  if (env[keyFile]) {
    return env[thumbprint] ? unreadableFile(keyFile, String(env[keyFile])) : [{ variable: thumbprint, problem: `is missing (${keyFile} needs it)` }]
  }
  return [{ variable: secret, problem: `is missing (or ${keyFile} with ${thumbprint})` }]
}

function bffProblems(env: Env, invalid: Set<string>): ConfigurationProblem[] {
  const valid = (name: Variable) => env[name] !== undefined && !invalid.has(name)
  const problems: ConfigurationProblem[] = []
  if (valid('SESSION_SECRETS')) problems.push(...problemOf('SESSION_SECRETS', () => strongSessionSecrets(String(env.SESSION_SECRETS))))
  if (valid('TOKEN_CACHE_KEYS')) problems.push(...problemOf('TOKEN_CACHE_KEYS', () => strongTokenCacheKeys(String(env.TOKEN_CACHE_KEYS))))
  const redisVariable = (['REDIS_URL', 'REDIS_CLUSTER_URLS', 'REDIS_SENTINEL_URLS'] as const).find(valid)
  if (env.PROFILE === 'entra' && redisVariable && env.TOKEN_CACHE_KEYS === undefined && !invalid.has('TOKEN_CACHE_KEYS')) {
    problems.push({ variable: 'TOKEN_CACHE_KEYS', problem: `is missing (${redisVariable} needs it: token caches are encrypted at rest)` })
  }
  problems.push(...redisProblems(env, invalid))
  const origin = valid('BFF_PUBLIC_ORIGIN') ? String(env.BFF_PUBLIC_ORIGIN) : env.PROFILE === 'local' && !invalid.has('BFF_PUBLIC_ORIGIN') ? `http://localhost:${env.BFF_PORT}` : undefined
  if (origin) {
    const originProblems = problemOf('BFF_PUBLIC_ORIGIN', () => cookieSecurity(origin))
    problems.push(...originProblems)
    if (originProblems.length === 0 && !invalid.has('TRUST_PROXY')) problems.push(...problemOf('TRUST_PROXY', () => bffTrustProxy(env.TRUST_PROXY, origin)))
  }
  if (env.PROFILE === 'entra') problems.push(...credentialProblems(env, 'BFF_CLIENT_SECRET', 'BFF_CLIENT_CERTIFICATE_KEY_FILE', 'BFF_CLIENT_CERTIFICATE_THUMBPRINT', invalid))
  return problems
}

function serviceProblems(env: Env, invalid: Set<string>): ConfigurationProblem[] {
  if (env.PROFILE !== 'entra') return []
  return credentialProblems(env, 'PROFILE_SERVICE_CLIENT_SECRET', 'PROFILE_SERVICE_CLIENT_CERTIFICATE_KEY_FILE', 'PROFILE_SERVICE_CLIENT_CERTIFICATE_THUMBPRINT', invalid)
}

/** One problem per variable, first come first kept (a missing variable is not also reported as needed by a rule). */
function oncePerVariable(problems: ConfigurationProblem[]): ConfigurationProblem[] {
  const seen = new Set<string>()
  return problems.filter(({ variable }) => {
    if (!variable) return true
    if (seen.has(variable)) return false
    seen.add(variable)
    return true
  })
}

/**
 * The environment and the roles to start, or a ConfigurationError listing every missing or
 * invalid variable (what it is, where in the Entra admin center) and every rule broken.
 */
export function checkConfiguration(source: Record<string, string | undefined>, args: string[]): { env: Env; roles: Role[] } {
  const { env, problems } = checkEnv(source)
  const invalid = new Set(problems.flatMap(({ variable }) => (variable ? [variable] : [])))
  let roles: Role[] = []
  problems.push(...problemOf(undefined, () => (roles = chooseRoles(args, env.PROFILE))))
  if (env.PROFILE === 'entra') {
    const needed = new Set(roles.flatMap((role) => (role === 'local-tenant' ? [] : entraRequiredVariables[role])))
    for (const variable of needed) {
      if (env[variable] === undefined && !invalid.has(variable)) problems.push({ variable, problem: 'is missing' })
    }
    if (roles.length > 0 && !invalid.has('EXTRA_CA_FILE')) problems.push(...unreadableFile('EXTRA_CA_FILE', env.EXTRA_CA_FILE))
  }
  const trustProxyProblems = invalid.has('TRUST_PROXY') ? [] : problemOf('TRUST_PROXY', () => parseTrustProxy(env.TRUST_PROXY))
  problems.push(...trustProxyProblems)
  if (trustProxyProblems.length > 0) invalid.add('TRUST_PROXY')
  if (roles.includes('profile-service')) problems.push(...serviceProblems(env, invalid))
  if (roles.includes('bff')) problems.push(...bffProblems(env, invalid))
  const all = oncePerVariable(problems)
  if (all.length > 0) throw new ConfigurationError(all, `PROFILE=${source.PROFILE ?? 'local'}${roles.length > 0 ? `, roles ${roles.join(', ')}` : ''}`)
  return { env, roles }
}
