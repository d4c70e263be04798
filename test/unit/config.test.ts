import t from 'tap'
import { entraBffConfig, entraProfileServiceConfig } from '../../src/config/entra-profile.ts'
import { localBffConfig } from '../../src/config/local-profile.ts'
import { readEnv } from '../../src/config/read-env.ts'
import { chooseRoles } from '../../src/roles.ts'
import { entraEnv, localTenantConnection } from '../helpers/config-fixtures.ts'

const entra = entraEnv
const tenant = localTenantConnection

t.test('an empty environment selects the local profile with the documented ports', async (t) => {
  const env = readEnv({})
  t.equal(env.PROFILE, 'local')
  t.equal(env.BFF_PORT, 3000)
  t.equal(env.PROFILE_SERVICE_PORT, 3001)
  t.equal(env.LOCAL_TENANT_HTTP_PORT, 3100)
  t.equal(env.LOCAL_TENANT_HTTPS_PORT, 3101)
})

t.test('numbers and booleans are read from their text', async (t) => {
  const env = readEnv({ BFF_PORT: '8080', BFF_VIEW_CACHE: 'false' })
  t.equal(env.BFF_PORT, 8080)
  t.equal(env.BFF_VIEW_CACHE, false)
})

t.test('an invalid value is rejected with the variable named', async (t) => {
  t.throws(() => readEnv({ BFF_PORT: 'eighty' }), /Invalid configuration: [\s\S]*BFF_PORT is not valid: expected a whole number/)
  t.throws(() => readEnv({ TENANT_ID: 'not-a-guid' }), /TENANT_ID is not valid: expected a GUID/)
  t.throws(() => readEnv({ PROFILE: 'staging' }), /PROFILE is not valid: expected one of local, entra/)
})

t.test('the entra profile needs the tenant subdomain and id', async (t) => {
  // Checked with every other missing variable at once (config-problems.test.ts); each role's builder still refuses.
  t.throws(() => entraProfileServiceConfig(readEnv({ ...entra, TENANT_SUBDOMAIN: undefined })), /needs TENANT_SUBDOMAIN/)
})

t.test('the entra BFF uses the GUID authority form and derives its URIs from the public origin', async (t) => {
  const config = entraBffConfig(readEnv(entra))
  t.equal(config.tenant.authority, 'https://contoso.ciamlogin.com/11111111-2222-3333-4444-555555555555')
  t.equal(config.tenant.knownAuthority, 'contoso.ciamlogin.com')
  t.equal(config.redirectUri, 'https://app.contoso.com/auth/redirect')
  t.equal(config.postLogoutRedirectUri, 'https://app.contoso.com/')
  t.equal(config.session.secureCookie, true)
  t.same(config.credential, { kind: 'secret', clientSecret: 'bff-secret' })
})

t.test('each entra role names exactly the variables it is missing', async (t) => {
  const env = readEnv({ PROFILE: 'entra', TENANT_SUBDOMAIN: 'contoso', TENANT_ID: entra.TENANT_ID })
  t.throws(() => entraBffConfig(env), /the BFF needs BFF_PUBLIC_ORIGIN, BFF_CLIENT_ID, SESSION_SECRETS, PROFILE_SERVICE_URL, PROFILE_SERVICE_SCOPE/)
  t.throws(() => entraProfileServiceConfig(env), /the edit profile service needs PROFILE_SERVICE_CLIENT_ID, PROFILE_SERVICE_SCOPE/)
})

t.test('the service takes its required scope name from the scope URI', async (t) => {
  t.equal(entraProfileServiceConfig(readEnv(entra)).requiredScope, 'EditProfileService.ReadWrite')
})

t.test('an app needs exactly one credential', async (t) => {
  t.throws(() => entraBffConfig(readEnv({ ...entra, BFF_CLIENT_SECRET: undefined })), /BFF needs a client secret or a certificate/)
  t.throws(
    () => entraBffConfig(readEnv({ ...entra, BFF_CLIENT_CERTIFICATE_KEY_FILE: '/tmp/key.pem' })),
    /BFF has both a client secret and a certificate/,
  )
})

t.test('plain http is refused for a public origin other than localhost', async (t) => {
  t.throws(() => entraBffConfig(readEnv({ ...entra, BFF_PUBLIC_ORIGIN: 'http://app.contoso.com' })), /must be https \(plain http only for localhost\)/)
})

t.test('Redis needs token cache keys, because caches are encrypted at rest', async (t) => {
  t.throws(() => entraBffConfig(readEnv({ ...entra, REDIS_URL: 'redis://127.0.0.1:6379' })), /REDIS_URL needs TOKEN_CACHE_KEYS/)
})

t.test('the local BFF is configured from the local tenant with a non-secure localhost cookie', async (t) => {
  const config = localBffConfig(readEnv({}), tenant)
  t.equal(config.publicOrigin, 'http://localhost:3000')
  t.equal(config.redirectUri, 'http://localhost:3000/auth/redirect')
  t.equal(config.profileService.scope, 'api://svc-id/EditProfileService.ReadWrite')
  t.same(config.tenant.extraCaPem, ['PEM'])
  t.equal(config.session.secureCookie, false)
  t.equal(config.session.secrets[0].length >= 32, true)
})

t.test('roles default to everything the profile can run', async (t) => {
  t.same(chooseRoles([], 'local'), ['local-tenant', 'profile-service', 'bff'])
  t.same(chooseRoles([], 'entra'), ['profile-service', 'bff'])
  t.same(chooseRoles(['bff'], 'local'), ['bff'])
  t.throws(() => chooseRoles(['web'], 'local'), /Unknown role "web": choose from local-tenant, profile-service, bff/)
  t.throws(() => chooseRoles(['local-tenant'], 'entra'), /runs only with PROFILE=local/)
})

t.test('weak session secrets are refused with the variable named and a command to generate one', async (t) => {
  for (const weak of ['a'.repeat(32), ' '.repeat(32), 'changemechangemechangemechangeme', 'abababababababababababababababab', '0123456780123456780123456780123456']) {
    t.throws(() => entraBffConfig(readEnv({ ...entra, SESSION_SECRETS: weak })), /SESSION_SECRETS is too weak .*openssl rand -base64 32/, JSON.stringify(weak))
  }
  t.throws(() => entraBffConfig(readEnv({ ...entra, SESSION_SECRETS: `${entra.SESSION_SECRETS},${'b'.repeat(40)}` })), /entry 2 of SESSION_SECRETS is too weak/)
  t.throws(() => localBffConfig(readEnv({ SESSION_SECRETS: 'x'.repeat(32) }), tenant), /SESSION_SECRETS is too weak/, 'the local profile checks a given secret too')
})

t.test('weak token cache keys are refused: 32 zero bytes, a repeated byte pattern', async (t) => {
  const zero = Buffer.alloc(32).toString('base64')
  const pattern = Buffer.from('0123'.repeat(8)).toString('base64')
  const redis = { ...entra, REDIS_URL: 'redis://127.0.0.1:6379' }
  t.throws(() => entraBffConfig(readEnv({ ...redis, TOKEN_CACHE_KEYS: zero })), /TOKEN_CACHE_KEYS is too weak .*openssl rand -base64 32/)
  t.throws(() => entraBffConfig(readEnv({ ...redis, TOKEN_CACHE_KEYS: pattern })), /TOKEN_CACHE_KEYS is too weak/)
})

t.test('generated secrets and keys are accepted', async (t) => {
  const { randomBytes } = await import('node:crypto')
  for (let i = 0; i < 50; i++) {
    const config = entraBffConfig(readEnv({
      ...entra, SESSION_SECRETS: `${randomBytes(32).toString('base64')},${randomBytes(16).toString('hex')}`,
      REDIS_URL: 'redis://127.0.0.1:6379', TOKEN_CACHE_KEYS: randomBytes(32).toString('base64'),
    }))
    t.equal(config.session.secrets.length, 2)
  }
})

t.test('GRAPH_BASE_URL is honoured by both profiles; each has its own default', async (t) => {
  const proxy = 'http://127.0.0.1:9999/v1.0'
  t.equal(localBffConfig(readEnv({ GRAPH_BASE_URL: proxy }), tenant).graphBaseUrl, proxy)
  t.equal(localBffConfig(readEnv({}), tenant).graphBaseUrl, tenant.graphBaseUrl)
  t.equal(entraBffConfig(readEnv(entra)).graphBaseUrl, 'https://graph.microsoft.com/v1.0')
  t.equal(entraProfileServiceConfig(readEnv({ ...entra, GRAPH_BASE_URL: proxy })).graphBaseUrl, proxy)
})
