import { randomBytes } from 'node:crypto'
import t from 'tap'
import { checkConfiguration } from '../../src/config/check-configuration.ts'
import { ConfigurationError } from '../../src/config/configuration-error.ts'
import { entraBffConfig } from '../../src/config/entra-profile.ts'
import { readEnv } from '../../src/config/read-env.ts'
import { entraEnv } from '../helpers/config-fixtures.ts'

// The Redis variables at boot: every bad combination listed at once with the rest, in words and
// without values; a good one builds the topology, TLS files and credentials the connection uses.

const tokenCacheKeys = randomBytes(32).toString('base64')

function refusal(env: Record<string, string | undefined>) {
  try {
    checkConfiguration(env, ['bff'])
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error
    return { message: error.message, problems: Object.fromEntries(error.problems.map(({ variable, problem }) => [variable, problem])) }
  }
  throw new Error('the configuration was accepted')
}

t.test('two topologies, a Sentinel setup without its primary\'s name, half an mTLS pair and an unreadable CA: all listed at once', async (t) => {
  const { message, problems } = refusal({
    ...entraEnv, TOKEN_CACHE_KEYS: tokenCacheKeys,
    REDIS_URL: 'rediss://cache:6380', REDIS_SENTINEL_URLS: 'redis://s1:26379,redis://s2:26379',
    REDIS_CLIENT_CERT_FILE: '/nonexistent/bff.crt', REDIS_CA_FILE: '/nonexistent/ca.pem', REDIS_USERNAME: 'bff',
  })
  t.match(problems, {
    REDIS_SENTINEL_URLS: 'is set as well as REDIS_URL: set one Redis topology',
    REDIS_SENTINEL_MASTER: /is missing \(REDIS_SENTINEL_URLS needs/,
    REDIS_CLIENT_KEY_FILE: /is missing \(REDIS_CLIENT_CERT_FILE needs it for mTLS\)/,
    REDIS_CA_FILE: 'names a file that cannot be read',
    REDIS_PASSWORD: /is missing \(REDIS_USERNAME needs it\)/,
  })
  t.match(message, /REDIS_SENTINEL_MASTER is missing .* — the name the Sentinels know the primary by/, 'what the variable is, from variable-help')
})

t.test('REDIS_AUTH=entra: tokens only over TLS, no password beside them, and an identity to ask for them', async (t) => {
  const { message, problems } = refusal({
    ...entraEnv, TOKEN_CACHE_KEYS: tokenCacheKeys, REDIS_AUTH: 'entra',
    REDIS_CLUSTER_URLS: 'redis://node-1:6379,rediss://node-2:6379', REDIS_PASSWORD: 'secret-redis-password', AZURE_CLIENT_SECRET: 'sp-secret',
  })
  t.match(problems, {
    REDIS_CLUSTER_URLS: /uses redis:\/\/ with REDIS_AUTH=entra: tokens go over TLS only/,
    REDIS_PASSWORD: /is set as well as REDIS_AUTH=entra/,
    AZURE_TENANT_ID: /is missing \(AZURE_CLIENT_SECRET is a service principal's/,
    AZURE_CLIENT_ID: /is missing \(REDIS_AUTH=entra needs/,
  })
  t.notMatch(message, /secret-redis-password|sp-secret/, 'no value is repeated')
})

t.test('TLS files or credentials without any Redis, and a Cluster without TOKEN_CACHE_KEYS', async (t) => {
  const { problems } = refusal({ ...entraEnv, REDIS_CA_FILE: '/etc/ssl/ca.pem', REDIS_AUTH: 'entra' })
  t.match(problems, { REDIS_CA_FILE: /is set, but no Redis is/, REDIS_AUTH: /is entra, but no Redis is set/ })
  const cluster = refusal({ ...entraEnv, REDIS_CLUSTER_URLS: 'rediss://node-1:6379' })
  t.match(cluster.problems, { TOKEN_CACHE_KEYS: /is missing \(REDIS_CLUSTER_URLS needs it/ })
  t.match(refusal({ ...entraEnv, REDIS_CLUSTER_URLS: 'node-1:6379' }).problems, { REDIS_CLUSTER_URLS: /is not valid: expected redis:\/\/ or rediss:\/\/ URLs, comma-separated/ })
})

t.test('good combinations build the topology, TLS files and credentials', async (t) => {
  const build = (env: Record<string, string>) => {
    const full = { ...entraEnv, TOKEN_CACHE_KEYS: tokenCacheKeys, ...env }
    checkConfiguration(full, ['bff'])
    return entraBffConfig(readEnv(full)).session.redis
  }
  t.same(build({ REDIS_CLUSTER_URLS: 'rediss://bff:p%40ss@node-1:6380, rediss://node-2:6380' }), {
    topology: { kind: 'cluster', urls: ['rediss://bff:p%40ss@node-1:6380', 'rediss://node-2:6380'] }, tls: undefined, username: 'bff', password: 'p@ss',
  }, 'a Cluster, the password from the first URL for every node')
  t.same(build({ REDIS_SENTINEL_URLS: 'redis://s1:26379,redis://s2:26379', REDIS_SENTINEL_MASTER: 'mymaster', REDIS_PASSWORD: 'pw' }), {
    topology: { kind: 'sentinel', urls: ['redis://s1:26379', 'redis://s2:26379'], masterName: 'mymaster' }, tls: undefined, password: 'pw',
  }, 'Sentinels and the primary\'s name')
  t.match(build({ REDIS_URL: 'rediss://contoso.westeurope.redis.azure.net:10000', REDIS_AUTH: 'entra', AZURE_CLIENT_ID: '99999999-2222-3333-4444-555555555555' }), {
    topology: { kind: 'single', url: 'rediss://contoso.westeurope.redis.azure.net:10000' }, entra: { clientId: '99999999-2222-3333-4444-555555555555' },
  }, 'Azure Managed Redis with a user-assigned managed identity')
  t.equal(entraBffConfig(readEnv({ ...entraEnv })).session.redis, undefined, 'no Redis: sessions stay in memory')
})
