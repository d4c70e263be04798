import type { ConfigurationProblem } from './configuration-error.ts'
import type { Env } from './env-schema.ts'
import { unreadableFile } from './file-problem.ts'
import type { RedisConnectionConfig, RedisTopology } from './types.ts'

// Which Redis the BFF uses, from the environment: the topology (REDIS_URL, REDIS_CLUSTER_URLS or
// REDIS_SENTINEL_URLS + REDIS_SENTINEL_MASTER), TLS files, and credentials (a password, or
// Microsoft Entra tokens with REDIS_AUTH=entra). `redisProblems` lists every broken combination at
// boot (check-configuration.ts); `redisConnectionOf` builds what the connection factory takes.

type Variable = keyof Env
const topologyVariables = ['REDIS_URL', 'REDIS_CLUSTER_URLS', 'REDIS_SENTINEL_URLS'] as const
const urlsOf = (list: string) => list.split(',').map((url) => url.trim())

/** Every rule across the Redis variables that the schema alone cannot state. */
export function redisProblems(env: Env, invalid: Set<string>): ConfigurationProblem[] {
  const set = (name: Variable) => env[name] !== undefined && !invalid.has(name)
  const problems: ConfigurationProblem[] = []
  const topologies = topologyVariables.filter(set)
  if (topologies.length > 1) {
    problems.push({ variable: topologies[1], problem: `is set as well as ${topologies[0]}: set one Redis topology` })
  }
  if (set('REDIS_SENTINEL_URLS') && env.REDIS_SENTINEL_MASTER === undefined && !invalid.has('REDIS_SENTINEL_MASTER')) {
    problems.push({ variable: 'REDIS_SENTINEL_MASTER', problem: 'is missing (REDIS_SENTINEL_URLS needs the name the Sentinels know the primary by)' })
  }
  if (set('REDIS_SENTINEL_MASTER') && env.REDIS_SENTINEL_URLS === undefined) {
    problems.push({ variable: 'REDIS_SENTINEL_MASTER', problem: 'is set without REDIS_SENTINEL_URLS' })
  }
  const anyTopology = topologyVariables.some((name) => env[name] !== undefined)
  const needsRedis: Variable[] = ['REDIS_CA_FILE', 'REDIS_CLIENT_CERT_FILE', 'REDIS_CLIENT_KEY_FILE', 'REDIS_USERNAME', 'REDIS_PASSWORD']
  if (!anyTopology) {
    for (const name of needsRedis) if (set(name)) problems.push({ variable: name, problem: 'is set, but no Redis is (REDIS_URL, REDIS_CLUSTER_URLS or REDIS_SENTINEL_URLS)' })
    if (env.REDIS_AUTH === 'entra') problems.push({ variable: 'REDIS_AUTH', problem: 'is entra, but no Redis is set (REDIS_URL, REDIS_CLUSTER_URLS or REDIS_SENTINEL_URLS)' })
    return problems
  }
  if (set('REDIS_CLIENT_CERT_FILE') !== set('REDIS_CLIENT_KEY_FILE')) {
    const [missing, given] = set('REDIS_CLIENT_CERT_FILE') ? ['REDIS_CLIENT_KEY_FILE', 'REDIS_CLIENT_CERT_FILE'] as const : ['REDIS_CLIENT_CERT_FILE', 'REDIS_CLIENT_KEY_FILE'] as const
    if (!invalid.has(missing)) problems.push({ variable: missing, problem: `is missing (${given} needs it for mTLS)` })
  }
  for (const name of ['REDIS_CA_FILE', 'REDIS_CLIENT_CERT_FILE', 'REDIS_CLIENT_KEY_FILE'] as const) {
    if (set(name)) problems.push(...unreadableFile(name, env[name]))
  }
  if (set('REDIS_USERNAME') && env.REDIS_PASSWORD === undefined && env.REDIS_AUTH !== 'entra') {
    problems.push({ variable: 'REDIS_PASSWORD', problem: 'is missing (REDIS_USERNAME needs it)' })
  }
  if (env.REDIS_AUTH === 'entra') problems.push(...entraProblems(env, invalid, topologies))
  return problems
}

function entraProblems(env: Env, invalid: Set<string>, topologies: readonly Variable[]): ConfigurationProblem[] {
  const problems: ConfigurationProblem[] = []
  for (const name of ['REDIS_USERNAME', 'REDIS_PASSWORD'] as const) {
    if (env[name] !== undefined) problems.push({ variable: name, problem: 'is set as well as REDIS_AUTH=entra: the Entra token is the password, its object ID the user' })
  }
  // A token is a bearer credential for the whole cache: never over plain TCP.
  const plain = topologies.find((name) => !env.REDIS_CA_FILE && urlsOf(String(env[name])).some((url) => url.startsWith('redis:')))
  if (plain) problems.push({ variable: plain, problem: 'uses redis:// with REDIS_AUTH=entra: tokens go over TLS only (rediss://, as Azure Managed Redis on port 10000)' })
  const missing = (name: Variable) => env[name] === undefined && !invalid.has(name)
  if (env.AZURE_CLIENT_SECRET !== undefined && missing('AZURE_TENANT_ID')) problems.push({ variable: 'AZURE_TENANT_ID', problem: 'is missing (AZURE_CLIENT_SECRET is a service principal\'s: it needs its tenant)' })
  if (env.AZURE_FEDERATED_TOKEN_FILE !== undefined) {
    if (missing('AZURE_TENANT_ID')) problems.push({ variable: 'AZURE_TENANT_ID', problem: 'is missing (AZURE_FEDERATED_TOKEN_FILE needs it)' })
    problems.push(...unreadableFile('AZURE_FEDERATED_TOKEN_FILE', env.AZURE_FEDERATED_TOKEN_FILE))
  }
  if (env.AZURE_CLIENT_SECRET !== undefined && env.AZURE_FEDERATED_TOKEN_FILE !== undefined) {
    problems.push({ variable: 'AZURE_FEDERATED_TOKEN_FILE', problem: 'is set as well as AZURE_CLIENT_SECRET: set one of them' })
  }
  if (missing('AZURE_CLIENT_ID')) {
    problems.push({ variable: 'AZURE_CLIENT_ID', problem: 'is missing (REDIS_AUTH=entra needs the managed identity\'s or service principal\'s client ID)' })
  }
  return problems
}

/** The user and password written in a URL (rediss://user:password@host), if any. */
function urlCredentials(url: string): { username?: string; password?: string } {
  const parsed = new URL(url)
  return {
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
  }
}

/** The Redis to connect to, or undefined when none is configured (sessions stay in memory). */
export function redisConnectionOf(env: Env): RedisConnectionConfig | undefined {
  let topology: RedisTopology
  if (env.REDIS_CLUSTER_URLS) topology = { kind: 'cluster', urls: urlsOf(env.REDIS_CLUSTER_URLS) }
  else if (env.REDIS_SENTINEL_URLS && env.REDIS_SENTINEL_MASTER) topology = { kind: 'sentinel', urls: urlsOf(env.REDIS_SENTINEL_URLS), masterName: env.REDIS_SENTINEL_MASTER }
  else if (env.REDIS_URL) topology = { kind: 'single', url: env.REDIS_URL }
  else return undefined
  const firstUrl = topology.kind === 'single' ? topology.url : topology.urls[0]
  const tls = env.REDIS_CA_FILE || env.REDIS_CLIENT_CERT_FILE
    ? { caFile: env.REDIS_CA_FILE, certFile: env.REDIS_CLIENT_CERT_FILE, keyFile: env.REDIS_CLIENT_KEY_FILE }
    : undefined
  if (env.REDIS_AUTH === 'entra') {
    return {
      topology, tls,
      entra: { clientId: env.AZURE_CLIENT_ID, tenantId: env.AZURE_TENANT_ID, clientSecret: env.AZURE_CLIENT_SECRET, federatedTokenFile: env.AZURE_FEDERATED_TOKEN_FILE },
    }
  }
  // Every node of a Cluster or Sentinel setup takes the same credentials: those of the variables,
  // else those written in the first URL.
  const fromUrl = urlCredentials(firstUrl)
  const username = env.REDIS_USERNAME ?? fromUrl.username
  const password = env.REDIS_PASSWORD ?? fromUrl.password
  return { topology, tls, ...(username ? { username } : {}), ...(password ? { password } : {}) }
}
