import { randomBytes } from 'node:crypto'
import t from 'tap'
import { request } from 'undici'
import type { BffSessionConfig } from '../../../src/config/types.ts'
import { startTelemetry } from '../../../src/lib/telemetry/telemetry.ts'
import { freePort } from '../../../harness/ports.ts'
import { BffBrowser, startTestBff } from '../../helpers/bff.ts'
import { startTestTenant } from '../../helpers/local-tenant.ts'
import { startTestProfileService } from '../../helpers/profile-service.ts'
import { connectTestRedis, startPrivateRedis, testRedisUrl } from '../../helpers/redis.ts'

// bff.sessions.active as an operator scrapes it from the Prometheus endpoint: the sessions users
// signed in, on any replica, less the ones signed out; nothing while Redis does not answer.

const metricsPort = await freePort()
const telemetry = await startTelemetry({ METRICS_PORT: String(metricsPort) }, ['bff'])
t.teardown(() => telemetry.shutdown())
const tenant = await startTestTenant(t)
const service = await startTestProfileService(t, tenant)

/** The gauge's values by session store at one scrape. */
async function activeSessions(): Promise<Record<string, number>> {
  const scraped = await (await request(`http://127.0.0.1:${metricsPort}/metrics`)).body.text()
  const lines = scraped.split('\n').filter((line) => line.startsWith('bff_sessions_active{'))
  return Object.fromEntries(lines.map((line) => [/session_store="(\w+)"/.exec(line)![1], Number(line.split(' ').at(-1))]))
}

function sharedSession(redisUrl: string, redisKeyPrefix: string): Partial<BffSessionConfig> {
  return { redisUrl, redisKeyPrefix, tokenCacheKeys: [randomBytes(32).toString('base64')], secrets: [randomBytes(32).toString('base64')] }
}

async function signOut(browser: BffBrowser) {
  await browser.get('/')
  t.equal((await browser.send('POST', '/auth/sign-out', { form: { _csrf: browser.lastCsrf! } })).status, 303)
}

t.test('with Redis, every replica reports the sessions signed in on any of them, less the ones signed out', async (t) => {
  const redis = await connectTestRedis(t)
  if (!redis) return
  const session = sharedSession(testRedisUrl, redis.prefix)
  const a = await startTestBff(t, tenant, service.url, { session })
  const b = await startTestBff(t, tenant, service.url, { session })
  const users = [new BffBrowser(a.url, tenant), new BffBrowser(a.url, tenant), new BffBrowser(b.url, tenant)]
  for (const user of users) t.equal((await user.signIn()).location, '/profile')
  t.same(await activeSessions(), { redis: 3 })
  await signOut(users[0])
  t.same(await activeSessions(), { redis: 2 }, 'the signed-out session is no longer counted')
})

t.test('in memory, the process reports the sessions it holds', async (t) => {
  const bff = await startTestBff(t, tenant, service.url)
  const users = [new BffBrowser(bff.url, tenant), new BffBrowser(bff.url, tenant)]
  for (const user of users) await user.signIn()
  t.same(await activeSessions(), { memory: 2 })
  await signOut(users[1])
  t.same(await activeSessions(), { memory: 1 })
})

t.test('while Redis does not answer, the scrape carries no session count, neither zero nor the last one', async (t) => {
  const redis = await startPrivateRedis(t)
  if (!redis) return
  const bff = await startTestBff(t, tenant, service.url, { session: sharedSession(redis.url, 'bff:') })
  await new BffBrowser(bff.url, tenant).signIn()
  t.same(await activeSessions(), { redis: 1 })
  await redis.stop()
  t.same(await activeSessions(), {}, 'no observation, and the scrape answered without Redis')
  await redis.start()
  for (let tries = 0; tries < 50 && !(await activeSessions()).redis; tries++) await new Promise((resolve) => setTimeout(resolve, 100))
  t.same(await activeSessions(), { redis: 1 }, 'counted again once Redis is back (the session survived the restart)')
})
