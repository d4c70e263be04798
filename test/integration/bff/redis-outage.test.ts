import { randomBytes } from 'node:crypto'
import { createServer, type AddressInfo, type Socket } from 'node:net'
import { createClient } from 'redis'
import t, { type Test } from 'tap'
import type { LocalTenant } from 'entra-local-tenant'
import { buildBff } from '../../../src/bff/app.ts'
import { BffBrowser, bffConfig, startTestBff, type BffResponse } from '../../helpers/bff.ts'
import { fieldValue, parseHtml } from '../../../harness/html.ts'
import { startTestTenant } from '../../helpers/local-tenant.ts'
import { startPrivateRedis } from '../../helpers/redis.ts'
import { startRefreshingTenant } from '../../helpers/tenant-process.ts'
import { freePort } from '../../../harness/ports.ts'

// Redis down (frozen with SIGSTOP: connections open, no answer): every route that needs the
// session store answers our own 503 page, or for htmx our fragment, in the user's language. No
// route answers Fastify's raw JSON ("circuit breaker is open"), including those that create a
// session (sign-in, language choice) and whose failure came from saving it on the way out.

const htmx = { htmx: true }

/** What a user sees of a 503: our sentence, a support id, and nothing of Redis or the breaker. */
function ourUnavailablePage(t: Test, label: string, answer: BffResponse, sentence = /The service is briefly unavailable\./) {
  t.equal(answer.status, 503, `${label}: 503`)
  t.match(String(answer.headers['content-type']), /^text\/html/, `${label}: our HTML, not JSON`)
  t.ok(answer.headers['retry-after'], `${label}: with Retry-After`)
  const $ = parseHtml(answer.body)
  t.match($('[role="alert"], .problem, p').text(), sentence, `${label}: our sentence`)
  t.match($('code').text(), /\S/, `${label}: a support id`)
  t.notMatch(answer.body, /circuit|breaker|store-unavailable|timed out|statusCode/i, `${label}: no internal text`)
}

t.test('with Redis frozen every route answers our 503 page, signed in or not, and recovers', async (t) => {
  const redis = await startPrivateRedis(t)
  if (!redis) return
  const tenant = await startTestTenant(t)
  const bff = await startTestBff(t, tenant, 'http://127.0.0.1:9', { session: { redisUrl: redis.url, redisKeyPrefix: `down:${randomBytes(4).toString('hex')}:` } })
  const signedIn = new BffBrowser(bff.url, tenant)
  await signedIn.signIn()
  await signedIn.get('/profile')
  const csrf = signedIn.lastCsrf
  t.ok(csrf, 'signed in, with a CSRF token')

  redis.freeze()
  t.teardown(() => redis.thaw())
  const anonymous = () => new BffBrowser(bff.url, tenant)
  // Routes that create a session (their save fails on the way out) and routes that read one.
  for (const path of ['/auth/sign-in', '/auth/sign-up']) ourUnavailablePage(t, `new session ${path}`, await anonymous().get(path))
  // The language picker needs no session (a plain cookie): it works while Redis is down.
  const german = anonymous()
  const picked = await german.get('/language/de')
  t.equal(picked.status, 303, 'the language picker answers without Redis')
  ourUnavailablePage(t, 'new session /auth/sign-in, in German', await german.get('/auth/sign-in'), /Der Dienst ist kurz nicht verfügbar\./)
  for (const path of ['/', '/claims', '/profile', '/auth/sign-in', '/auth/step-up', '/language/de']) ourUnavailablePage(t, `signed in ${path}`, await signedIn.get(path))
  for (const path of ['/auth/sign-out', '/auth/sign-out-everywhere', '/profile/cancel']) ourUnavailablePage(t, `signed in POST ${path}`, await signedIn.send('POST', path, { form: { _csrf: csrf ?? '' } }))
  const fragment = await signedIn.get('/profile/editor', htmx)
  t.equal(fragment.status, 503, 'htmx: 503')
  t.match(parseHtml(fragment.body)('body').text(), /The service is briefly unavailable\./, 'htmx: our fragment')
  t.notMatch(fragment.body, /circuit|breaker|statusCode/i)

  redis.thaw()
  let home = await signedIn.get('/profile')
  for (let i = 0; i < 100 && home.status !== 200; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100))
    home = await signedIn.get('/profile')
  }
  t.equal(home.status, 200, 'the same session works again once Redis answers')
  t.equal((await anonymous().get('/auth/sign-in')).status, 302, 'and sign-in starts again')
})

t.test('/health/dependencies reports Redis back by itself, with no user request to probe the open circuit', async (t) => {
  const redis = await startPrivateRedis(t)
  if (!redis) return
  const tenant = await startTestTenant(t)
  const bff = await startTestBff(t, tenant, 'http://127.0.0.1:9', { session: { redisUrl: redis.url, redisKeyPrefix: `health:${randomBytes(4).toString('hex')}:` } })
  const user = new BffBrowser(bff.url, tenant)
  await user.signIn()
  // Probes come from a dashboard, with no session cookie: they never touch the session store.
  const probe = new BffBrowser(bff.url, tenant)
  const redisHealth = async () => JSON.parse((await probe.get('/health/dependencies')).body).dependencies.redis as { status: string; problem?: string }

  redis.freeze()
  t.teardown(() => redis.thaw())
  let health = await redisHealth()
  for (let i = 0; i < 20 && health.problem !== 'circuit open'; i++) {
    await user.get('/profile')
    health = await redisHealth()
  }
  t.same(health, { status: 'failing', problem: 'circuit open' }, 'failing requests opened the circuit')

  redis.thaw()
  // Only the probe asks from here on. The breaker lets one call try again after its pause (5 s);
  // the bound is generous for a loaded machine, and no timing is asserted.
  for (let i = 0; i < 300 && health.status !== 'ok'; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100))
    health = await redisHealth()
  }
  t.same(health, { status: 'ok' }, 'Redis is reported healthy again by the check alone')
  const page = await user.get('/profile')
  t.equal(page.status, 200, "and the user's next request finds the circuit closed")
})

for (const mode of ['htmx', 'a plain form post'] as const) {
  t.test(`${mode}: an error page whose own session save fails (Redis stops during the request) is still our page, never Fastify's JSON`, async (t) => {
    const redis = await startPrivateRedis(t)
    if (!redis) return
    const tenant = await startTestTenant(t)
    // An edit profile service that takes the connection and never answers: the save ends at the
    // BFF's deadline for it, by which time Redis has stopped answering too.
    const connected: Socket[] = []
    const hanging = createServer((socket) => { connected.push(socket) })
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve))
    t.teardown(() => { for (const socket of connected) socket.destroy(); hanging.close() })
    const serviceUrl = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}`
    const bff = await startTestBff(t, tenant, serviceUrl, {
      session: { redisUrl: redis.url, redisKeyPrefix: `late:${randomBytes(4).toString('hex')}:` },
      config: { deadlines: { profileServiceMs: 3_000 } },
    })
    const browser = new BffBrowser(bff.url, tenant)
    await browser.signIn()
    await browser.get('/profile')
    t.equal((await browser.send('PATCH', '/profile', { ...htmx, form: { displayName: 'Before Step-Up', givenName: '', surname: '' } })).status, 401, 'the save asks for MFA')
    const verified = await browser.authorize('/auth/step-up')
    await browser.get(verified.location!)

    const form = { displayName: 'Typed During The Outage', givenName: '', surname: '' }
    const saving = mode === 'htmx' ? browser.send('PATCH', '/profile', { ...htmx, form }) : browser.send('POST', '/profile', { form })
    // Redis stops once the BFF has read the session and called the service.
    for (let i = 0; i < 200 && connected.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 25))
    t.ok(connected.length > 0, 'the BFF called the edit profile service')
    redis.freeze()
    t.teardown(() => redis.thaw())
    const answer = await saving
    t.ok(answer.status >= 500, `a failure status (${answer.status})`)
    t.match(String(answer.headers['content-type']), /^text\/html/, 'our HTML, not JSON')
    t.notMatch(answer.body, /circuit|breaker|store-unavailable|statusCode|"error"/i, 'no internal text')
    // htmx leaves the editor as it is in the page; without JavaScript the answer is the editor again.
    if (mode === 'a plain form post') t.equal(fieldValue(answer.body, 'displayName'), 'Typed During The Outage', 'what the user typed is back in the form')
  })
}

t.test('Redis restarting while the tenant rotates a refresh token: the new one is written once Redis is back, never sent twice, the user stays signed in', async (t) => {
  const redis = await startPrivateRedis(t)
  if (!redis) return
  const port = await freePort()
  const origin = `http://localhost:${port}`
  // Every page redeems the session's refresh token; one sent twice would sign the user out.
  const tenant = await startRefreshingTenant(t, origin)
  const prefix = `rotate:${randomBytes(4).toString('hex')}:`
  const base = bffConfig(tenant as unknown as LocalTenant, port, 'http://127.0.0.1:9')
  const app = await buildBff({ ...base, session: { ...base.session, redisUrl: redis.url, redisKeyPrefix: prefix } })
  t.teardown(() => app.close())
  await app.listen({ host: '127.0.0.1', port })
  const browser = new BffBrowser(origin, tenant as unknown as LocalTenant)
  await browser.signIn()
  t.equal((await browser.get('/profile')).status, 200, 'signed in, the first refresh written')

  // The moment that matters: the BFF holds the session's lock and has read the token cache (the
  // session's GET, then the cache's), and its refresh waits at a frozen tenant.
  const watcher = createClient({ url: redis.url })
  await watcher.connect()
  const reads = async () => Number(/cmdstat_get:calls=(\d+)/.exec(await watcher.info('commandstats'))?.[1] ?? 0)
  const readsBefore = await reads()
  tenant.freeze()
  t.teardown(() => tenant.thaw())
  const page = browser.get('/profile')
  let waiting = false
  for (let i = 0; i < 400 && !waiting; i++) {
    await new Promise((resolve) => setTimeout(resolve, 25))
    waiting = (await watcher.keys(`${prefix}lock:*`)).length === 1 && (await reads()) >= readsBefore + 2
  }
  t.ok(waiting, 'the refresh is on its way to the tenant, under the lock')
  await watcher.close()

  // Redis goes away (its data kept on disk, as a promoted replica keeps it); the tenant answers
  // the refresh, rotating the refresh token; the BFF cannot write the new cache, and answers.
  await redis.stop()
  tenant.thaw()
  const answer = await page
  t.equal(answer.status, 503, `the page answers our 503 (${answer.status})`)

  await redis.start()
  let after = await browser.get('/profile')
  for (let i = 0; i < 300 && after.status !== 200; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100))
    after = await browser.get('/profile')
  }
  t.equal(after.status, 200, 'the same session works once Redis is back')
  t.match(after.body, /Demo User/, 'still signed in: the rotated refresh token was kept, the spent one never sent again')
  t.equal((await browser.get('/profile')).status, 200, 'and the next refresh works too')
})
