import { randomBytes } from 'node:crypto'
import t, { type Test } from 'tap'
import { sessionSealContext } from '../../../packages/fastify-entra-bff/src/stores/sealed-session-store.ts'
import { createTokenCacheCipher } from '../../../packages/fastify-entra-bff/src/stores/token-cache-cipher.ts'
import { BffBrowser, cardField, signInButton, startTestBff } from '../../helpers/bff.ts'
import { attribute, text } from '../../../harness/html.ts'
import { startTestTenant } from '../../helpers/local-tenant.ts'
import { startTestProfileService } from '../../helpers/profile-service.ts'
import { connectTestRedis, testRedisUrl } from '../../helpers/redis.ts'

// Sessions at rest in Redis are bound and sealed (issue 23, item 6). Someone who can write Redis
// copied a victim's `user` and `tokenCacheKey` into their own session and used the victim's tokens.
// Now the whole session is sealed for its own id, and the token cache key is bound to the session
// id and user. Real tenant, msal, HTTP and Redis.

const htmx = { htmx: true }
const endedSentence = /Your session has ended, so you were signed out\. Sign in again to continue; anything you typed is kept\./

/** The session id inside a signed session cookie value (`<id>.<signature>`, URL-encoded). */
function sessionIdOf(browser: BffBrowser): string {
  const value = decodeURIComponent(browser.cookies.get('session') ?? '')
  return value.slice(0, value.lastIndexOf('.'))
}

async function oneReplicaOnRedis(t: Test) {
  const redis = await connectTestRedis(t)
  if (!redis) return undefined
  const tenant = await startTestTenant(t)
  const service = await startTestProfileService(t, tenant)
  const session = {
    secrets: [randomBytes(32).toString('base64')], secureCookie: false, idleTimeoutMs: 30 * 60_000, absoluteTimeoutMs: 12 * 3600_000,
    redisUrl: testRedisUrl, redisKeyPrefix: redis.prefix, tokenCacheKeys: [randomBytes(32).toString('base64')],
  }
  const bff = await startTestBff(t, tenant, service.url, { config: { session } })
  const cipher = createTokenCacheCipher(session.tokenCacheKeys)
  const key = (browser: BffBrowser) => `${redis.prefix}session:${sessionIdOf(browser)}`
  return {
    redis, tenant, bff, key,
    /** The session as the BFF keeps it, opened with the app's key (the test knows it; an attacker does not). */
    async read(browser: BffBrowser): Promise<Record<string, unknown>> {
      const sealed = await redis.client.get(key(browser))
      if (!sealed) throw new Error('no session in Redis')
      return JSON.parse(cipher.open(sealed, sessionSealContext(sessionIdOf(browser))))
    },
    async write(browser: BffBrowser, session: Record<string, unknown>) {
      await redis.client.set(key(browser), cipher.seal(JSON.stringify(session), sessionSealContext(sessionIdOf(browser))), { expiration: { type: 'PX', value: 60_000 } })
    },
  }
}

t.test('the swap attack: a victim\'s user and token cache key copied into another session open nothing; that session is asked to sign in again, keeps its draft, and the victim keeps theirs', async (t) => {
  const stack = await oneReplicaOnRedis(t)
  if (!stack) return
  const victim = new BffBrowser(stack.bff.url, stack.tenant)
  await victim.signIn()
  t.equal((await victim.get('/profile')).status, 200)

  // The attacker has a session of their own, here one that typed a draft before signing in.
  const attacker = new BffBrowser(stack.bff.url, stack.tenant)
  await attacker.get('/auth/sign-in')
  const own = await stack.read(attacker)
  const stolen = await stack.read(victim)
  // Even with the sealing key (the strongest attacker short of the session secret): the user,
  // the key and its binding, all copied.
  await stack.write(attacker, { ...own, drafts: { profile: { values: { displayName: 'Typed By Attacker' } } }, draftReturnTo: '/profile?edit=1', createdAt: stolen.createdAt, user: stolen.user, tokenCacheKey: stolen.tokenCacheKey, tokenCacheBinding: stolen.tokenCacheBinding })

  const page = await attacker.get('/profile')
  t.equal(page.status, 302, 'no profile for the attacker')
  t.equal(page.location, '/')
  const home = await attacker.get('/')
  t.equal(text(home.body, signInButton), 'Sign In')
  t.not(text(home.body, 'main h1'), 'Hi Demo User')
  t.match(home.body, endedSentence, 'the clear sign-in-again sentence')
  t.equal(attribute(home.body, signInButton, 'href'), '/auth/sign-in?returnTo=%2Fprofile%3Fedit%3D1', 'Sign In returns to the editor, where the draft waits')
  t.match((await attacker.get('/profile/editor', htmx)).headers['hx-redirect'], /^\/auth\/sign-in\?returnTo=/, 'no token for htmx either')
  t.same((await stack.read(attacker)).drafts, { profile: { values: { displayName: 'Typed By Attacker' } } }, 'the attacker session\'s draft is kept, as on every sign-in-again')

  t.ok(await stack.redis.client.exists(`${stack.redis.prefix}tokens:${stolen.tokenCacheKey}`), 'the victim\'s token cache was not deleted by the refusal')
  const victimPage = await victim.get('/profile')
  t.equal(victimPage.status, 200, 'the victim is still signed in')
  t.equal(text(victimPage.body, `${cardField('displayName')}[dir="auto"]`), 'Demo User')
})

t.test('a sealed session copied under another session id does not open: that browser is signed out, the victim is not', async (t) => {
  const stack = await oneReplicaOnRedis(t)
  if (!stack) return
  const victim = new BffBrowser(stack.bff.url, stack.tenant)
  await victim.signIn()
  const attacker = new BffBrowser(stack.bff.url, stack.tenant)
  await attacker.get('/auth/sign-in')
  // No key needed to copy bytes: the victim's value under the attacker's id.
  await stack.redis.client.set(stack.key(attacker), (await stack.redis.client.get(stack.key(victim)))!)

  const home = await attacker.get('/')
  t.equal(text(home.body, signInButton), 'Sign In', 'the copy opens nothing')
  t.not(text(home.body, 'main h1'), 'Hi Demo User')
  t.equal((await attacker.get('/profile')).location, '/auth/sign-in?returnTo=%2Fprofile')
  t.equal(text((await victim.get('/')).body, 'main h1'), 'Hi Demo User', 'the victim is still signed in')
})

t.test('at rest in Redis a session shows no PKCE verifier, state, nonce, CSRF secret, token cache key or name in clear, and stays small', async (t) => {
  const stack = await oneReplicaOnRedis(t)
  if (!stack) return
  const browser = new BffBrowser(stack.bff.url, stack.tenant)
  await browser.signIn()
  await browser.get('/profile') // a page with a form: the CSRF secret is in the session
  const stepUp = await browser.get('/auth/step-up') // a pending authorization: PKCE verifier, state, nonce
  t.equal(stepUp.status, 302)

  const sealed = (await stack.redis.client.get(stack.key(browser)))!
  const session = await stack.read(browser)
  const pending = session.pendingAuthorization as { codeVerifier: string; state: string; nonce: string }
  t.ok(pending?.codeVerifier, 'the session holds a PKCE verifier')
  t.ok(session._csrf, 'and a CSRF secret')
  const secrets = { verifier: pending.codeVerifier, state: pending.state, nonce: pending.nonce, csrf: String(session._csrf), tokenCacheKey: String(session.tokenCacheKey) }
  for (const [name, value] of Object.entries(secrets)) t.notOk(sealed.includes(value), `the ${name} is not in Redis in clear`)
  t.notMatch(sealed, /Demo User|demo@contoso|codeVerifier|_csrf|tokenCacheKey|"/, 'no name, no field, no JSON')
  t.ok(Buffer.byteLength(sealed) < 8 * 1024, `small: ${Buffer.byteLength(sealed)} bytes sealed`)
  t.equal(text((await browser.get('/')).body, 'main h1'), 'Hi Demo User', 'and the BFF still reads it')
})
