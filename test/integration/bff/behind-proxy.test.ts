import t, { type Test } from 'tap'
import { request } from 'undici'
import { startTestBff } from '../../helpers/bff.ts'
import { startTestTenant } from '../../helpers/local-tenant.ts'
import { freePort } from '../../../harness/ports.ts'
import { startTestProfileService } from '../../helpers/profile-service.ts'

// The BFF behind a TLS-terminating proxy: it listens on plain http and learns the protocol, host
// and client address from X-Forwarded-* — but only from the proxies TRUST_PROXY names.

async function httpsBff(t: Test, trustProxy: string[]) {
  const tenant = await startTestTenant(t)
  const service = await startTestProfileService(t, tenant)
  const publicOrigin = `https://localhost:${await freePort()}`
  return startTestBff(t, tenant, service.url, { config: { publicOrigin, redirectUri: `${publicOrigin}/auth/redirect`, postLogoutRedirectUri: `${publicOrigin}/`, trustProxy } })
}

const forwardedHttps = { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.7' }

t.test('sign-in behind a trusted TLS proxy sets the Secure, HttpOnly __Host-session cookie', async (t) => {
  const bff = await httpsBff(t, ['127.0.0.1'])
  const address = bff.app.server.address() as { port: number }
  const response = await request(`http://127.0.0.1:${address.port}/auth/sign-in`, { headers: forwardedHttps })
  await response.body.dump()
  t.equal(response.statusCode, 302)
  const cookie = String(response.headers['set-cookie'])
  t.match(cookie, /^__Host-session=/, 'the __Host- prefixed session cookie')
  t.match(cookie, /; Secure/)
  t.match(cookie, /; HttpOnly/)
  t.match(cookie, /; Path=\//)
  t.notMatch(cookie, /Domain=/i, '__Host- cookies carry no Domain')
  t.equal(new URL(String(response.headers.location)).searchParams.get('redirect_uri'), `${bff.config.publicOrigin}/auth/redirect`, 'the tenant sends the user back to the https origin')
})

t.test('X-Forwarded-Proto from an address TRUST_PROXY does not name sets no session cookie', async (t) => {
  const bff = await httpsBff(t, ['192.0.2.10'])
  const address = bff.app.server.address() as { port: number }
  const response = await request(`http://127.0.0.1:${address.port}/auth/sign-in`, { headers: forwardedHttps })
  await response.body.dump()
  t.equal(response.statusCode, 302)
  t.equal(response.headers['set-cookie'], undefined, 'a spoofed header does not make plain http look like https')
})
