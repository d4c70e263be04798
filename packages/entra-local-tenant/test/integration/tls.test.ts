import t from 'tap'
import { request } from 'undici'
import { createHttpAgent } from '../helpers/http.ts'
import { startTestTenant } from '../helpers/tenant.ts'

t.test('the back channel is trusted through its CA only, never by skipping certificate checks', async (t) => {
  const tenant = await startTestTenant(t)
  const discovery = `${tenant.authority}/v2.0/.well-known/openid-configuration`
  const untrusting = createHttpAgent()
  const trusting = createHttpAgent({ extraCaPem: [tenant.caCertificatePem] })
  t.teardown(async () => {
    await untrusting.close()
    await trusting.close()
  })
  await t.rejects(request(discovery, { dispatcher: untrusting }), /certificate/i, 'unknown CA is refused')
  const response = await request(discovery, { dispatcher: trusting })
  t.equal(response.statusCode, 200)
  t.equal(((await response.body.json()) as { issuer: string }).issuer, `${tenant.httpsOrigin}/${tenant.tenantId}/v2.0`)
})
