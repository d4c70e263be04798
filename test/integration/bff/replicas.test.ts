import { randomBytes } from 'node:crypto'
import t from 'tap'
import { createTokenCacheCipher } from '../../../packages/fastify-entra-bff/src/stores/token-cache-cipher.ts'
import { BffBrowser, signInButton, startTestBff } from '../../helpers/bff.ts'
import { text } from '../../../harness/html.ts'
import { renewTokensAtEveryRequest, startTestTenant } from '../../helpers/local-tenant.ts'
import { startTestProfileService } from '../../helpers/profile-service.ts'
import { startPrivateRedis } from '../../helpers/redis.ts'
import { sharedRedisSession, twoReplicasOnTestRedis } from '../../helpers/replicas.ts'

// Two BFF replicas share one Redis: any replica serves any request of a session.

const htmx = { htmx: true }
const jwtPattern = /eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/

t.test('sign in on A, step up on B, save on A, sign out on B: A sees it all', async (t) => {
  const stack = await twoReplicasOnTestRedis(t)
  if (!stack) return
  const { redis, session, onA, onB } = stack

  await onA.signIn()
  t.equal(text((await onB.get('/')).body, 'main h1'), 'Hi Demo User', 'B knows the session A created')
  const editorOnB = await onB.get('/profile/editor', htmx)
  t.equal(editorOnB.status, 401, 'B asks for step-up')
  t.equal((await onB.authorize('/auth/step-up')).location, '/profile?edit=1')
  await onA.get('/profile?edit=1')
  const saved = await onA.send('PATCH', '/profile', { ...htmx, form: { displayName: 'Saved On A', givenName: '', surname: '' } })
  t.equal(saved.status, 200, 'A saves with the MFA token B obtained')

  const keys: string[] = []
  for await (const batch of redis.client.scanIterator({ MATCH: `${redis.prefix}tokens:*` })) keys.push(...batch)
  t.ok(keys.length > 0, 'the token cache lives in Redis')
  const sealed = (await redis.client.get(keys[0]))!
  t.notMatch(sealed, jwtPattern, 'no token readable in Redis')
  t.notMatch(sealed, /RefreshToken|secret/, 'not even the cache structure')
  t.throws(() => createTokenCacheCipher([randomBytes(32).toString('base64')]).open(sealed, keys[0].slice(`${redis.prefix}tokens:`.length)), 'another key cannot open it')
  t.match(createTokenCacheCipher(session.tokenCacheKeys).open(sealed, keys[0].slice(`${redis.prefix}tokens:`.length)), /RefreshToken/, 'the configured key can')

  await onB.get('/')
  const out = await onB.send('POST', '/auth/sign-out', { form: { _csrf: onB.lastCsrf! } })
  t.equal(out.status, 303)
  t.equal(text((await onA.get('/')).body, signInButton), 'Sign In', 'A sees the sign-out')
  const after: string[] = []
  for await (const batch of redis.client.scanIterator({ MATCH: keys[0] })) after.push(...batch)
  t.same(after, [], 'the token cache went with the session')
})

t.test('20 parallel requests that all refresh keep the user signed in and keep MFA', async (t) => {
  // Tokens that live 200 s are "expired" for msal (it renews 300 s early): every request refreshes.
  const stack = await twoReplicasOnTestRedis(t, { tenant: { editTenant: renewTokensAtEveryRequest } })
  if (!stack) return
  const { onA, onB } = stack
  await onA.signIn()
  await onA.get('/profile/editor', htmx)
  await onA.authorize('/auth/step-up')
  const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => {
    const browser = i % 2 ? onA : onB
    return i % 4 < 2 ? browser.get('/profile') : browser.get('/profile/editor', htmx)
  }))
  t.same(responses.map((r) => r.status), Array(20).fill(200), 'no request lost the session or the MFA token')
  t.equal((await onA.get('/profile/editor', htmx)).status, 200, 'MFA evidence survives the refreshes')
})

t.test('Redis stopping mid-session gives a clear 503, and the session works again when it returns', async (t) => {
  const redis = await startPrivateRedis(t)
  if (!redis) return
  const tenant = await startTestTenant(t)
  const service = await startTestProfileService(t, tenant)
  const bff = await startTestBff(t, tenant, service.url, { config: { session: sharedRedisSession({ topology: { kind: 'single', url: redis.url } }) } })
  const browser = new BffBrowser(bff.url, tenant)
  await browser.signIn()
  await browser.get('/profile')

  await redis.stop()
  const page = await browser.get('/profile')
  t.equal(page.status, 503)
  t.match(page.body, /briefly unavailable/)
  t.notMatch(page.body, /at .*\.ts:\d+/, 'no stack trace')
  const save = await browser.send('PATCH', '/profile', { ...htmx, form: { displayName: 'Typed During Outage' }, headers: { 'hx-source': 'form#profile-editor' } })
  t.equal(save.status, 503)
  t.equal(save.headers['hx-retarget'], '#editor-problem', 'the typed values stay in the form')
  // Probes come from the load balancer, with no session cookie.
  const probe = new BffBrowser(bff.url, tenant)
  t.equal((await probe.get('/readyz')).status, 200, 'a shared outage does not take the replica out of the load balancer')
  const degraded = JSON.parse((await probe.get('/health/dependencies')).body)
  t.equal(degraded.status, 'degraded')
  t.equal(degraded.dependencies.redis.status, 'failing')
  t.equal(degraded.dependencies.tenant.status, 'ok')

  await redis.start()
  let redisStatus = 'failing'
  for (let i = 0; i < 100 && redisStatus !== 'ok'; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100))
    redisStatus = JSON.parse((await probe.get('/health/dependencies')).body).dependencies.redis.status
  }
  t.equal(redisStatus, 'ok', 'Redis is reported healthy again by itself')
  const back = await browser.get('/profile')
  t.equal(back.status, 200)
  t.match(back.body, /Demo User/, 'the same session, still signed in')
})
