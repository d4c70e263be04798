import t from 'tap'
import { checkConfiguration } from '../../src/config/check-configuration.ts'
import { ConfigurationError } from '../../src/config/configuration-error.ts'
import { entraEnv } from '../helpers/config-fixtures.ts'

// A bad configuration is reported whole, in words: every missing or invalid variable in one
// message, what it is and where to find it, never the value (several are secrets).

/** The message checkConfiguration stops with, and the variables its problems name. */
function refusal(env: Record<string, string | undefined>, args: string[] = []) {
  try {
    checkConfiguration(env, args)
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error
    return { message: error.message, variables: error.problems.map(({ variable }) => variable) }
  }
  throw new Error('the configuration was accepted')
}

const everyEntraVariable = [
  'TENANT_SUBDOMAIN', 'TENANT_ID', 'BFF_PUBLIC_ORIGIN', 'BFF_CLIENT_ID', 'BFF_CLIENT_SECRET', 'SESSION_SECRETS',
  'PROFILE_SERVICE_URL', 'PROFILE_SERVICE_SCOPE', 'PROFILE_SERVICE_CLIENT_ID', 'PROFILE_SERVICE_CLIENT_SECRET',
]

t.test('PROFILE=entra alone names every variable the two roles need, in one message, in words', async (t) => {
  const { message, variables } = refusal({ PROFILE: 'entra' })
  t.same([...variables].sort(), [...everyEntraVariable].sort(), 'all of them at once')
  for (const variable of everyEntraVariable) t.match(message, new RegExp(`^  - ${variable} is missing`, 'm'), `${variable} on its own line`)
  t.match(message, /TENANT_ID is missing — Entra admin center → Overview → Tenant ID/, 'where to find it')
  t.match(message, /BFF_CLIENT_ID is missing — App registrations → the web app → Application \(client\) ID/)
  t.match(message, /PROFILE_SERVICE_SCOPE is missing — edit-profile-service → Expose an API/)
  t.match(message, /^Invalid configuration \(PROFILE=entra, roles profile-service, bff\): 10 problems; nothing was started\./)
  t.notMatch(message, /schema|must match|must have required property/, 'no JSON Schema words')
})

t.test('one role alone is asked only for what it needs', async (t) => {
  const { variables } = refusal({ PROFILE: 'entra' }, ['profile-service'])
  t.same([...variables].sort(), ['PROFILE_SERVICE_CLIENT_ID', 'PROFILE_SERVICE_CLIENT_SECRET', 'PROFILE_SERVICE_SCOPE', 'TENANT_ID', 'TENANT_SUBDOMAIN'])
})

t.test('a mix of missing and invalid values lists every one, and never a value', async (t) => {
  const secret = 'x'.repeat(40)
  const { message, variables } = refusal({
    ...entraEnv,
    TENANT_ID: 'not-a-guid', BFF_PORT: 'eighty', SESSION_IDLE_MINUTES: '0', BFF_CLIENT_ID: undefined, PROFILE_SERVICE_SCOPE: undefined,
    SESSION_SECRETS: secret, REDIS_URL: 'redis://redis:6379', TRUST_PROXY: '1', PROFILE_SERVICE_CLIENT_SECRET: undefined,
  })
  t.same([...variables].sort(), [
    'BFF_CLIENT_ID', 'BFF_PORT', 'PROFILE_SERVICE_CLIENT_SECRET', 'PROFILE_SERVICE_SCOPE', 'SESSION_IDLE_MINUTES',
    'SESSION_SECRETS', 'TENANT_ID', 'TOKEN_CACHE_KEYS', 'TRUST_PROXY',
  ])
  t.match(message, /TENANT_ID is not valid: expected a GUID/)
  t.match(message, /BFF_PORT is not valid: expected a whole number/)
  t.match(message, /SESSION_IDLE_MINUTES is not valid: expected a whole number from 1 to 1440/)
  t.match(message, /BFF_CLIENT_ID is missing/)
  t.match(message, /SESSION_SECRETS is too weak/)
  t.match(message, /TOKEN_CACHE_KEYS is missing \(REDIS_URL needs it/)
  t.match(message, /TRUST_PROXY=1 is a hop count/)
  t.notMatch(message, new RegExp(`${secret}|bff-secret|not-a-guid`), 'no value is repeated')
})

t.test('a good configuration passes and gives the roles to start', async (t) => {
  t.same(checkConfiguration(entraEnv, []).roles, ['profile-service', 'bff'])
  t.same(checkConfiguration({}, ['bff']).roles, ['bff'])
})
