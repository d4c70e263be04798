import { randomBytes } from 'node:crypto'
import type { Test } from 'tap'
import type { RedisConnectionConfig } from '../../src/config/types.ts'
import { text } from '../../harness/html.ts'
import { BffBrowser, signInButton, startTestBff } from './bff.ts'
import { startTestTenant } from './local-tenant.ts'
import { startTestProfileService } from './profile-service.ts'

// The BFF's journey essentials on two replicas that share one Redis of a given topology: sign in
// on A, profile page on B, step-up on B, save on A, sign out everywhere on B, and A sees it.
// The same steps for the Cluster, Sentinel and TLS tests (test/integration/redis/).

const htmx = { htmx: true }

export function redisSession(redis: RedisConnectionConfig) {
  return {
    secrets: [randomBytes(32).toString('base64')], secureCookie: false, idleTimeoutMs: 30 * 60_000, absoluteTimeoutMs: 12 * 3600_000,
    redisUrl: undefined, redis, redisKeyPrefix: `test:${randomBytes(6).toString('hex')}:`, tokenCacheKeys: [randomBytes(32).toString('base64')],
  }
}

/** Two replicas on this Redis, and a browser whose cookies both see. */
export async function twoReplicas(t: Test, redis: RedisConnectionConfig) {
  const tenant = await startTestTenant(t)
  const service = await startTestProfileService(t, tenant)
  const session = redisSession(redis)
  const a = await startTestBff(t, tenant, service.url, { config: { session } })
  const b = await startTestBff(t, tenant, service.url, { config: { session } })
  const onA = new BffBrowser(a.url, tenant)
  const onB = new BffBrowser(b.url, tenant)
  onB.cookies = onA.cookies // one browser: localhost cookies go to every port
  onB.tenantJar = onA.tenantJar
  return { tenant, service, a, b, onA, onB, session }
}

export async function journeyOnTwoReplicas(t: Test, redis: RedisConnectionConfig) {
  const { onA, onB } = await twoReplicas(t, redis)
  await onA.signIn()
  t.equal(text((await onB.get('/')).body, 'main h1'), 'Hi Demo User', 'B knows the session A created')
  const profile = await onB.get('/profile')
  t.equal(profile.status, 200, 'B shows the profile page')
  t.equal((await onB.get('/profile/editor', htmx)).status, 401, 'B asks for step-up')
  t.equal((await onB.authorize('/auth/step-up')).location, '/profile?edit=1', 'step-up on B')
  await onA.get('/profile?edit=1')
  const saved = await onA.send('PATCH', '/profile', { ...htmx, form: { displayName: 'Saved On A', givenName: '', surname: '' } })
  t.equal(saved.status, 200, 'A saves with the MFA token B obtained')
  t.match(text((await onB.get('/profile')).body, 'main'), /Saved On A/, 'B shows what A saved')

  await onB.get('/')
  const out = await onB.send('POST', '/auth/sign-out-everywhere', { form: { _csrf: onB.lastCsrf ?? '' } })
  t.equal(out.status, 303, 'sign out everywhere on B')
  t.equal(text((await onA.get('/')).body, signInButton), 'Sign In', 'A sees the sign-out')
}
