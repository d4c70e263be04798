import { randomBytes } from 'node:crypto'
import type { Test } from 'tap'
import type { RedisConnectionConfig } from '../../src/config/types.ts'
import type { LocalTenant } from 'entra-local-tenant'
import type { BffConfig } from '../../src/config/types.ts'
import { freePort } from '../../harness/ports.ts'
import { BffBrowser, bffConfig, startTestBff } from './bff.ts'
import { startBffProcess } from './bff-process.ts'
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
  /**
   * Each replica in a process of its own, as production runs them: their event loops then wait
   * only for their own work, not for the tenant's, the service's and the test's users' (with
   * hundreds of users the one shared loop lagged past the store guard's 1 s deadline).
   */
  inProcesses?: boolean
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
  const start = () => options.inProcesses ? startReplicaProcess(t, tenant, service.url, config) : startTestBff(t, tenant, service.url, { config })
  const a = await start()
  const b = await start()
  const onA = new BffBrowser(a.url, tenant)
  const onB = new BffBrowser(b.url, tenant)
  onB.cookies = onA.cookies
  onB.tenantJar = onA.tenantJar
  return { tenant, service, a, b, onA, onB, session }
}

/** A replica in a process of its own (bff-process.ts), with the tenant knowing its redirect URIs. */
async function startReplicaProcess(t: Test, tenant: LocalTenant, serviceUrl: string, overrides: Partial<BffConfig>) {
  const config = bffConfig(tenant, await freePort(), serviceUrl, overrides)
  tenant.testing.registerRedirectUris(tenant.apps.bff.clientId, { redirectUris: [config.redirectUri], postLogoutRedirectUris: [config.postLogoutRedirectUri] })
  await startBffProcess(t, config)
  return { url: config.publicOrigin, config }
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
