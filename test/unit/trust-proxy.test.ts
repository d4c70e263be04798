import t from 'tap'
import { entraBffConfig, entraProfileServiceConfig } from '../../src/config/entra-profile.ts'
import { localBffConfig } from '../../src/config/local-profile.ts'
import { readEnv } from '../../src/config/read-env.ts'
import { parseTrustProxy } from '../../src/config/trust-proxy.ts'
import { entraEnv, localTenantConnection } from '../helpers/config-fixtures.ts'

const { TRUST_PROXY: _trustProxy, ...entra } = entraEnv
const tenant = localTenantConnection

t.test('TRUST_PROXY unset or false trusts no proxy', async (t) => {
  t.equal(parseTrustProxy(undefined), false)
  t.equal(parseTrustProxy('false'), false)
  t.equal(parseTrustProxy(' '), false)
})

t.test('TRUST_PROXY=true trusts every hop', async (t) => {
  t.equal(parseTrustProxy('true'), true)
})

t.test('TRUST_PROXY takes comma-separated addresses, CIDRs and proxy-addr range names', async (t) => {
  t.same(parseTrustProxy('127.0.0.1, 10.0.0.0/8,::1,fd00::/8,loopback'), ['127.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8', 'loopback'])
})

t.test('TRUST_PROXY rejects what is not an address or CIDR, naming the variable and the bad entries', async (t) => {
  t.throws(() => parseTrustProxy('10.0.0.0/8,proxy.internal'), /TRUST_PROXY must be true, false or comma-separated IP addresses\/CIDRs.*not proxy\.internal$/)
  t.throws(() => parseTrustProxy('10.0.0.0/33'), /not 10\.0\.0\.0\/33/)
  t.throws(() => parseTrustProxy('yes'), /not yes/)
})

t.test('a TRUST_PROXY hop count is refused, since Fastify no longer honours one', async (t) => {
  t.throws(() => parseTrustProxy('1'), /TRUST_PROXY=1 is a hop count.*give the proxy's addresses or CIDRs/)
})

t.test('the BFF and the edit profile service both read TRUST_PROXY', async (t) => {
  const env = readEnv({ ...entra, TRUST_PROXY: '10.1.0.0/16' })
  t.same(entraBffConfig(env).trustProxy, ['10.1.0.0/16'])
  t.same(entraProfileServiceConfig(env).trustProxy, ['10.1.0.0/16'])
  t.equal(entraProfileServiceConfig(readEnv(entra)).trustProxy, false, 'the service defaults to trusting no proxy')
})

t.test('an https public origin without TRUST_PROXY is refused with a message naming TRUST_PROXY', async (t) => {
  t.throws(() => entraBffConfig(readEnv(entra)), /BFF_PUBLIC_ORIGIN https:\/\/app\.contoso\.com is https, but the BFF serves plain http and trusts no proxy.*set TRUST_PROXY/)
  t.throws(() => entraBffConfig(readEnv({ ...entra, TRUST_PROXY: 'false' })), /set TRUST_PROXY/)
  t.throws(() => localBffConfig(readEnv({ BFF_PUBLIC_ORIGIN: 'https://localhost:8443' }), tenant), /set TRUST_PROXY/)
})

t.test('a plain http localhost origin needs no TRUST_PROXY', async (t) => {
  t.equal(localBffConfig(readEnv({}), tenant).trustProxy, false)
})
