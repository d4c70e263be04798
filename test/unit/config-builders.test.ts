import { randomBytes } from 'node:crypto'
import t from 'tap'
import { bffConfig } from '../../src/config/bff-config.ts'
import { entraBffConfig, entraProfileServiceConfig } from '../../src/config/entra-profile.ts'
import { type Env, envSchema } from '../../src/config/env-schema.ts'
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

// Checked by tsc (`npm run typecheck`): the type read-env.ts returns follows the schema.
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false
const envTypes: [
  Same<keyof Env, keyof typeof envSchema.properties>,
  Same<Env['PROFILE'], 'local' | 'entra'>,
  Same<Env['BFF_PORT'], number>,
  Same<Env['BFF_VIEW_CACHE'], boolean>,
  Same<Env['TENANT_ID'], string | undefined>,
  Same<Env['LOG_LEVEL'], 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'>,
] = [true, true, true, true, true, true]

t.test('after reading, exactly the variables with a default are set: the ones Env does not mark optional', async (t) => {
  t.same(envTypes, [true, true, true, true, true, true])
  const defaulted = Object.entries(envSchema.properties).filter(([, schema]) => 'default' in schema).map(([name]) => name)
  t.same(Object.keys(readEnv({})).sort(), defaulted.sort())
})

t.test('numbers out of range and booleans that are not booleans are refused with the variable named', async (t) => {
  t.throws(() => readEnv({ SESSION_IDLE_MINUTES: '0' }), /SESSION_IDLE_MINUTES is not valid: expected a whole number from 1 to 1440/)
  t.throws(() => readEnv({ BFF_VIEW_CACHE: 'maybe' }), /BFF_VIEW_CACHE is not valid: expected true or false/)
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
