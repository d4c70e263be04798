import t from 'tap'
import { Pool } from 'undici'
import { createMemorySessionStore } from '../../packages/fastify-entra-bff/src/stores/memory-session-store.ts'
import { stateLimits } from 'entra-local-tenant'
import { startTestBff, type FastifyInstance } from '../helpers/bff.ts'
import { startTestTenant } from '../helpers/local-tenant.ts'
import { connectTestRedis } from '../helpers/redis.ts'

// No session until one is needed, and bounded state everywhere: a client that sends cookie-less
// requests to the public routes in a loop leaves the BFF's session store (memory or Redis) as
// it found it, and the local tenant's maps at their bounds.

// Cookie-less requests: 50,000 to each public route (the language picker made a session per
// request before: the memory store ran out of a 96 MB heap at 33,400).
const publicRoutes: [url: string, requests: number][] = [
  ['/language/de?returnTo=%2F', 50_000], ['/', 50_000], ['/public/css/app.css', 50_000], ['/vendor/htmx/htmx.min.js', 50_000],
]
const redisRoutes: [url: string, requests: number][] = [['/language/de?returnTo=%2F', 50_000], ['/', 50_000]]
/** The local tenant kept every one of these (13,000 requests: +235 MB); now its maps stop at their bounds. */
const authorizeRequests = 50_000
const inFlight = 32

// 50,000 requests per route take about 90 s on a quiet two-core machine and 250 s on a busy one:
// this file has its own budget rather than the suite's 120 s per file.
t.setTimeout(900_000)

/** `count` requests, `inFlight` at a time; each answer checked by `expect`. */
async function hammer(count: number, send: () => Promise<number>, expect: (status: number) => boolean): Promise<number> {
  let sent = 0
  let unexpected = 0
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (sent < count) {
      sent += 1
      if (!expect(await send())) unexpected += 1
    }
  }))
  return unexpected
}

const injectEach = (app: FastifyInstance, url: string, requests: number) => hammer(requests, async () => (await app.inject({ url })).statusCode, (status) => status === 200 || status === 303)

t.test('cookie-less requests to the public routes store no session in memory', async (t) => {
  const tenant = await startTestTenant(t)
  const memory = createMemorySessionStore({ idleTimeoutMs: 30 * 60_000 })
  const { app } = await startTestBff(t, tenant, 'http://127.0.0.1:9', { stores: { sessionStore: memory.store } })
  for (const [url, requests] of publicRoutes) {
    t.equal(await injectEach(app, url, requests), 0, `${requests} requests to ${url} answered`)
    t.equal(memory.sessions.size, 0, `and left no session in the store (${url})`)
  }
  const picked = await app.inject({ url: '/language/de?returnTo=%2F' })
  t.match(String(picked.headers['set-cookie']), /^language=de; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Lax$/, 'the choice is a plain cookie')
})

t.test('cookie-less requests to the public routes add no key to Redis', async (t) => {
  const redis = await connectTestRedis(t)
  if (!redis) return
  const tenant = await startTestTenant(t)
  const { app } = await startTestBff(t, tenant, 'http://127.0.0.1:9', { session: { redisUrl: 'redis://127.0.0.1:6379', redisKeyPrefix: redis.prefix } })
  const keys = async () => (await redis.client.keys(`${redis.prefix}*`)).length
  const before = await keys()
  for (const [url, requests] of redisRoutes) {
    t.equal(await injectEach(app, url, requests), 0, `${requests} requests to ${url} answered`)
    t.equal(await keys(), before, `and added no key (${url})`)
  }
})

t.test('the session store keeps at most its bound and forgets the least recently used', async (t) => {
  const memory = createMemorySessionStore({ idleTimeoutMs: 30 * 60_000, max: 100 })
  const session = { cookie: { originalMaxAge: null } } as unknown as Parameters<typeof memory.store.set>[1]
  for (let i = 0; i < 1_000; i++) memory.store.set(`session-${i}`, session, () => {})
  t.equal(memory.sessions.size, 100)
  memory.store.get('session-999', (_error, found) => t.ok(found, 'the newest is kept'))
  memory.store.get('session-0', (_error, found) => t.notOk(found, 'the oldest went first'))
})

t.test('cookie-less authorize requests leave the local tenant\'s maps at their bounds', async (t) => {
  const tenant = await startTestTenant(t, { editTenant: (file) => (file.settings.signInRequestsPerMinute = 1_000_000) })
  const { bff } = tenant.apps
  const authorize = `/${tenant.tenantId}/oauth2/v2.0/authorize?${new URLSearchParams({
    client_id: bff.clientId, redirect_uri: bff.redirectUris[0], response_type: 'code', scope: 'openid profile',
    code_challenge: 'a'.repeat(43), code_challenge_method: 'S256', state: 'state',
  })}`
  const pool = new Pool(tenant.browserOrigin, { connections: 8, connect: { ca: [tenant.caCertificatePem] } })
  t.teardown(() => pool.close())
  const send = async () => {
    const response = await pool.request({ method: 'GET', path: authorize })
    await response.body.dump()
    return response.statusCode
  }
  t.equal(await hammer(authorizeRequests, send, (status) => status === 200), 0, `${authorizeRequests} authorize requests answered with the sign-in page`)
  const sizes = tenant.testing.stateSizes()
  t.equal(sizes.sessions, stateLimits.sessions, 'tenant sessions stop at their bound')
  t.equal(sizes.interactions, stateLimits.interactions, 'pending sign-ins stop at their bound')
  t.same({ codes: sizes.codes, refreshTokens: sizes.refreshTokens, oneTimeCodes: sizes.oneTimeCodes }, { codes: 0, refreshTokens: 0, oneTimeCodes: 0 })
})

t.test('authorize is rate limited per address: it starts a tenant session', async (t) => {
  const tenant = await startTestTenant(t, { editTenant: (file) => (file.settings.signInRequestsPerMinute = 5) })
  const { bff } = tenant.apps
  const authorize = `${tenant.browserOrigin}/${tenant.tenantId}/oauth2/v2.0/authorize?${new URLSearchParams({
    client_id: bff.clientId, redirect_uri: bff.redirectUris[0], response_type: 'code', scope: 'openid', code_challenge: 'a'.repeat(43), code_challenge_method: 'S256',
  })}`
  const pool = new Pool(tenant.browserOrigin, { connections: 1 })
  t.teardown(() => pool.close())
  const statuses: number[] = []
  for (let i = 0; i < 7; i++) {
    const response = await pool.request({ method: 'GET', path: new URL(authorize).pathname + new URL(authorize).search })
    await response.body.dump()
    statuses.push(response.statusCode)
  }
  t.same(statuses, [200, 200, 200, 200, 200, 429, 429])
  t.equal(tenant.testing.stateSizes().sessions, 5, 'a refused request starts no tenant session')
})
