import { randomBytes } from 'node:crypto'
import t, { type Test } from 'tap'
import { request } from 'undici'
import type { BffConfig } from '../../../src/config/types.ts'
import { startTestBff } from '../../helpers/bff.ts'
import { startTestTenant } from '../../helpers/local-tenant.ts'
import { startTestProfileService } from '../../helpers/profile-service.ts'
import { connectTestRedis, startPrivateRedis, testRedisUrl } from '../../helpers/redis.ts'

// With REDIS_URL the /auth/* limits count in Redis: replicas enforce one limit, per client address.

function sharedSession(redisUrl: string, redisKeyPrefix: string) {
  return {
    secrets: [randomBytes(32).toString('base64')], secureCookie: false, idleTimeoutMs: 30 * 60_000, absoluteTimeoutMs: 12 * 3600_000,
    redisUrl, redisKeyPrefix, tokenCacheKeys: [randomBytes(32).toString('base64')],
  }
}

async function replicas(t: Test, count: number, redisUrl: string, prefix: string, config: Partial<BffConfig>) {
  const tenant = await startTestTenant(t)
  const service = await startTestProfileService(t, tenant)
  const session = sharedSession(redisUrl, prefix)
  const started = []
  for (let i = 0; i < count; i++) started.push(await startTestBff(t, tenant, service.url, { config: { session, ...config } }))
  return started
}

async function status(url: string, headers: Record<string, string> = {}) {
  const response = await request(url, { headers })
  await response.body.dump()
  return response.statusCode
}

t.test('two replicas sharing Redis enforce one combined /auth/* limit', async (t) => {
  const redis = await connectTestRedis(t)
  if (!redis) return
  const [a, b] = await replicas(t, 2, testRedisUrl, redis.prefix, { authRateLimitPerMinute: 3 })
  const statuses = []
  for (const bff of [a, b, a, b, a]) statuses.push(await status(`${bff.url}/auth/sign-in`))
  t.same(statuses, [302, 302, 302, 429, 429], 'the fourth request is refused, whichever replica gets it')
})

t.test('behind a trusted proxy each client address has its own limit', async (t) => {
  const redis = await connectTestRedis(t)
  if (!redis) return
  const [bff] = await replicas(t, 1, testRedisUrl, redis.prefix, { authRateLimitPerMinute: 2, trustProxy: ['127.0.0.1'] })
  const from = (address: string) => status(`${bff.url}/auth/sign-in`, { 'x-forwarded-for': address })
  const first = [await from('203.0.113.1'), await from('203.0.113.1'), await from('203.0.113.1')]
  t.same(first, [302, 302, 429], 'one client reaches its limit')
  t.equal(await from('203.0.113.2'), 302, 'another client behind the same proxy still signs in')
})

/** Each answer in turn: a limiter that waited for a frozen Redis would never give them. */
async function statuses(url: string, count: number) {
  const results = []
  for (let i = 0; i < count; i++) results.push(await status(url))
  return results
}

t.test('a Redis that stops answering does not hang the limiter: past its deadline it counts per replica', async (t) => {
  const redis = await startPrivateRedis(t)
  if (!redis) return
  const [bff] = await replicas(t, 1, redis.url, `test:${randomBytes(6).toString('hex')}:`, { authRateLimitPerMinute: 2 })
  // Connected first, so the limiter's command reaches a Redis that holds it and does not answer.
  for (let i = 0; i < 50 && (await status(`${bff.url}/readyz`)) !== 200; i++) await new Promise((resolve) => setTimeout(resolve, 50))
  // Frozen until the test ends (SIGSTOP): every answer below came without Redis, so no clock is
  // needed to show the limiter did not wait for it; one that did would hang the test.
  redis.freeze()
  t.teardown(() => redis.thaw())
  // /auth/step-up without a session reads no session from the store: only the limiter meets Redis.
  t.same(await statuses(`${bff.url}/auth/step-up`, 3), [302, 302, 429], 'answered while Redis is frozen, and the limit still holds')
})

t.test('with Redis stopped the limiter answers and still limits, per replica', async (t) => {
  const redis = await startPrivateRedis(t)
  if (!redis) return
  const [bff] = await replicas(t, 1, redis.url, `test:${randomBytes(6).toString('hex')}:`, { authRateLimitPerMinute: 2 })
  await redis.stop()
  t.same(await statuses(`${bff.url}/auth/step-up`, 3), [302, 302, 429])
})
