import t from 'tap'
import { BffBrowser, startTestBff } from '../../helpers/bff.ts'
import { startTestTenant } from '../../helpers/local-tenant.ts'
import { startTestProfileService } from '../../helpers/profile-service.ts'

t.test('a session ends at its absolute lifetime however active it is', async (t) => {
  const tenant = await startTestTenant(t)
  const service = await startTestProfileService(t, tenant)
  const bff = await startTestBff(t, tenant, service.url)
  bff.config.session.absoluteTimeoutMs = 400
  const browser = new BffBrowser(bff.url, tenant)
  await browser.signIn()
  t.equal((await browser.get('/profile')).status, 200)
  await new Promise((resolve) => setTimeout(resolve, 500))
  const after = await browser.get('/profile')
  t.equal(after.status, 302)
  t.match(after.location, /^\/auth\/sign-in/)
})

t.test('/auth/* is rate limited per client address', async (t) => {
  const tenant = await startTestTenant(t)
  const service = await startTestProfileService(t, tenant)
  const bff = await startTestBff(t, tenant, service.url, { config: { authRateLimitPerMinute: 3 } })
  const browser = new BffBrowser(bff.url, tenant)
  const statuses = []
  for (let i = 0; i < 4; i++) statuses.push((await browser.get('/auth/sign-in')).status)
  t.same(statuses, [302, 302, 302, 429])
})

t.test('a Secure session cookie is named __Host-session and never sent over plain http', async (t) => {
  const { sessionCookieName } = await import('../../../src/bff/plugins/session.ts')
  const tenant = await startTestTenant(t)
  const service = await startTestProfileService(t, tenant)
  const bff = await startTestBff(t, tenant, service.url)
  const session = { ...bff.config.session, secureCookie: true }
  t.equal(sessionCookieName(session), '__Host-session')
  t.equal(sessionCookieName(bff.config.session), 'session')
  const { buildBff } = await import('../../../src/bff/app.ts')
  const secure = await buildBff({ ...bff.config, session })
  t.teardown(() => secure.close())
  const response = await secure.inject({ method: 'GET', url: '/auth/sign-in' })
  t.equal(response.statusCode, 302)
  t.equal(response.headers['set-cookie'], undefined)
})
