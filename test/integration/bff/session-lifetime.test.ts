import t from 'tap'
import { BffBrowser, startTestBff } from '../../helpers/bff.ts'
import { testClock } from '../../helpers/clock.ts'
import { startTestTenant } from '../../helpers/local-tenant.ts'
import { startTestProfileService } from '../../helpers/profile-service.ts'

const minute = 60_000

t.test('a session ends at its absolute lifetime however active it is', async (t) => {
  const clock = testClock()
  const tenant = await startTestTenant(t)
  const service = await startTestProfileService(t, tenant)
  const bff = await startTestBff(t, tenant, service.url, { session: { idleTimeoutMs: 30 * minute, absoluteTimeoutMs: 60 * minute, now: clock.now } })
  const browser = new BffBrowser(bff.url, tenant)
  await browser.signIn()
  // Active all along: a page every 20 minutes, well inside the idle timeout.
  for (const [advance, at] of [[20, '20 min'], [20, '40 min'], [19, '59 min']] as const) {
    clock.advance(advance * minute)
    t.equal((await browser.get('/profile')).status, 200, `still signed in at ${at}`)
  }
  clock.advance(2 * minute)
  const after = await browser.get('/profile')
  t.equal(after.status, 302, 'signed out past the absolute lifetime')
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
  const { sessionCookieName } = await import('../../../packages/fastify-entra-bff/src/session.ts')
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
