import { randomBytes } from 'node:crypto'
import t from 'tap'
import { bffConfig } from '../../src/config/bff-config.ts'
import { entraBffConfig, entraProfileServiceConfig } from '../../src/config/entra-profile.ts'
import { envSchema } from '../../src/config/env-schema.ts'
import { localBffConfig, localProfileServiceConfig } from '../../src/config/local-profile.ts'
import { profileServiceConfig } from '../../src/config/profile-service-config.ts'
import { readEnv } from '../../src/config/read-env.ts'
import type { RoleTenant } from '../../src/config/types.ts'
import { entraEnv, localTenantConnection } from '../helpers/config-fixtures.ts'

// One builder per role, fed by either profile: what comes from the environment must not depend
// on which profile supplied the tenant.

const tenant: RoleTenant = {
  endpoints: { authority: 'https://login.example/tid', knownAuthority: 'login.example', extraCaPem: [] },
  graphBaseUrl: 'https://graph.example/v1.0',
  clientId: 'client-id',
  credential: { kind: 'secret', clientSecret: 'client-secret' },
  profileServiceScope: 'api://svc/EditProfileService.ReadWrite',
}

t.test('the schema is plain JSON Schema: every variable is a property, TypeBox markers stay hidden', async (t) => {
  const json = JSON.parse(JSON.stringify(envSchema))
  t.same(Object.keys(json.properties), Object.keys(envSchema.properties))
  t.notOk(JSON.stringify(json).includes('~'), 'no ~kind or ~optional reaches Ajv')
  t.same(json.properties.BFF_PORT, { type: 'integer', minimum: 0, maximum: 65535, default: 3000 })
  t.same(json.properties.PROFILE, { enum: ['local', 'entra'], default: 'local' })
})

t.test('numbers out of range and booleans that are not booleans are refused with the variable named', async (t) => {
  t.throws(() => readEnv({ SESSION_IDLE_MINUTES: '0' }), /SESSION_IDLE_MINUTES must be >= 1/)
  t.throws(() => readEnv({ BFF_VIEW_CACHE: 'maybe' }), /BFF_VIEW_CACHE must be boolean/)
})

t.test('bffConfig takes the tenant from the profile and everything else from the environment', async (t) => {
  const env = { ...readEnv({ REQUEST_TIMEOUT_SECONDS: '5' }), BFF_PUBLIC_ORIGIN: 'http://localhost:3000', SESSION_SECRETS: entraEnv.SESSION_SECRETS, PROFILE_SERVICE_URL: 'http://127.0.0.1:3001' }
  const config = bffConfig(env, tenant)
  t.equal(config.tenant, tenant.endpoints)
  t.equal(config.clientId, 'client-id')
  t.same(config.credential, tenant.credential)
  t.same(config.profileService, { baseUrl: 'http://127.0.0.1:3001', scope: tenant.profileServiceScope })
  t.equal(config.graphBaseUrl, tenant.graphBaseUrl)
  t.equal(config.timeouts?.requestMs, 5000)
  t.same(config.session.tokenCacheKeys, [], 'no Redis, no key')
})

t.test('profileServiceConfig requires the scope name of the tenant\'s scope URI', async (t) => {
  const config = profileServiceConfig(readEnv({ PROFILE_SERVICE_AUTH_CONTEXT: 'c1' }), tenant)
  t.equal(config.requiredScope, 'EditProfileService.ReadWrite')
  t.equal(config.requiredAuthContext, 'c1')
  t.equal(config.port, 3001)
})

t.test('both profiles build the BFF alike from the same environment', async (t) => {
  const shared = {
    BFF_PUBLIC_ORIGIN: 'https://app.contoso.com', TRUST_PROXY: '10.0.0.0/8', SESSION_SECRETS: entraEnv.SESSION_SECRETS,
    REDIS_URL: 'redis://redis:6379', TOKEN_CACHE_KEYS: randomBytes(32).toString('base64'),
    PROFILE_SERVICE_URL: 'https://profile.contoso.com', SESSION_IDLE_MINUTES: '15', BFF_VIEW_CACHE: 'false', LOG_LEVEL: 'warn',
  }
  const entra = entraBffConfig(readEnv({ ...entraEnv, ...shared }))
  const local = localBffConfig(readEnv(shared), localTenantConnection)
  const fromEnvironment = ({ tenant: _t, clientId: _c, credential: _k, graphBaseUrl: _g, profileService, ...rest }: typeof entra) => ({ ...rest, serviceUrl: profileService.baseUrl })
  t.same(fromEnvironment(local), fromEnvironment(entra))
})

t.test('both profiles build the edit profile service alike from the same environment', async (t) => {
  const shared = { PROFILE_SERVICE_PORT: '4001', PROFILE_SERVICE_AUTH_CONTEXT: 'c2', TRUST_PROXY: 'loopback' }
  const entra = entraProfileServiceConfig(readEnv({ ...entraEnv, ...shared }))
  const local = localProfileServiceConfig(readEnv(shared), localTenantConnection)
  const fromEnvironment = ({ tenant: _t, clientId: _c, credential: _k, graphBaseUrl: _g, ...rest }: typeof entra) => rest
  t.same(fromEnvironment(local), fromEnvironment(entra))
})

t.test('the local profile generates a token cache key, so Redis works without TOKEN_CACHE_KEYS', async (t) => {
  const config = localBffConfig(readEnv({ REDIS_URL: 'redis://127.0.0.1:6379' }), localTenantConnection)
  t.equal(config.session.tokenCacheKeys.length, 1)
  t.equal(Buffer.from(config.session.tokenCacheKeys[0], 'base64').length, 32)
})

t.test('the local profile generates fresh secrets on every build', async (t) => {
  const first = localBffConfig(readEnv({}), localTenantConnection)
  const second = localBffConfig(readEnv({}), localTenantConnection)
  t.not(first.session.secrets[0], second.session.secrets[0])
  t.not(first.session.tokenCacheKeys[0], second.session.tokenCacheKeys[0])
})
