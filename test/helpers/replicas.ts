import { randomBytes } from 'node:crypto'
import type { Test } from 'tap'
import type { RedisConnectionConfig } from '../../src/config/types.ts'
import { BffBrowser, startTestBff } from './bff.ts'
import { startTestTenant, type TestTenantOptions } from './local-tenant.ts'
import { startTestProfileService } from './profile-service.ts'
import { connectTestRedis, testRedisUrl } from './redis.ts'

// Two BFF replicas that share one Redis, as a load balancer would spread one browser over them:
// the one setup of the replica, sign-out race, session lifecycle, failover and Redis topology tests.

/**
 * The session options every replica on this Redis shares: cookie secrets, token cache keys, and a
 * key prefix of this test's own (given, or a fresh one) so tests sharing a Redis never meet.
 */
export function sharedRedisSession(redis: RedisConnectionConfig, redisKeyPrefix = `test:${randomBytes(6).toString('hex')}:`) {
  return {
    secrets: [randomBytes(32).toString('base64')], secureCookie: false, idleTimeoutMs: 30 * 60_000, absoluteTimeoutMs: 12 * 3600_000,
    redisUrl: undefined, redis, redisKeyPrefix, tokenCacheKeys: [randomBytes(32).toString('base64')],
  }
}

export interface TwoReplicasOptions {
  /** The tenant's own settings (token lifetimes, more users). */
  tenant?: TestTenantOptions
  redisKeyPrefix?: string
  /**
   * The deadline of one Redis command (the BFF's default: 1 s). The topology journeys give 5 s:
   * they are about which Redis answers, and Redis processes starved of CPU on a busy machine may
   * take a second; the failover tests keep the default, whose bound they check.
   */
  storeCommandMs?: number
}

/**
 * A tenant, a profile service and replicas A and B on this Redis, and one browser as two clients
 * (`onA`, `onB`) that share their cookies: localhost cookies go to every port.
 */
export async function twoReplicas(t: Test, redis: RedisConnectionConfig, options: TwoReplicasOptions = {}) {
  const tenant = await startTestTenant(t, options.tenant)
  const service = await startTestProfileService(t, tenant)
  const session = sharedRedisSession(redis, options.redisKeyPrefix)
  const config = { session, ...(options.storeCommandMs ? { deadlines: { storeCommandMs: options.storeCommandMs } } : {}) }
  const a = await startTestBff(t, tenant, service.url, { config })
  const b = await startTestBff(t, tenant, service.url, { config })
  const onA = new BffBrowser(a.url, tenant)
  const onB = new BffBrowser(b.url, tenant)
  onB.cookies = onA.cookies
  onB.tenantJar = onA.tenantJar
  return { tenant, service, a, b, onA, onB, session }
}

/**
 * Two replicas on the tests' Redis (TEST_REDIS_URL), with a client on it that sees this test's
 * keys (`redis.prefix`); undefined when no Redis answers (connectTestRedis says what then).
 */
export async function twoReplicasOnTestRedis(t: Test, options: Omit<TwoReplicasOptions, 'redisKeyPrefix'> = {}) {
  const redis = await connectTestRedis(t)
  if (!redis) return undefined
  const replicas = await twoReplicas(t, { topology: { kind: 'single', url: testRedisUrl } }, { ...options, redisKeyPrefix: redis.prefix })
  return { redis, ...replicas }
}
