import t from 'tap'
import { BffBrowser, signInButton, startTestStack } from '../../helpers/bff.ts'
import { text } from '../../../harness/html.ts'
import { followAuthorize } from '../../../harness/tenant-pages.ts'

t.test('sign-in', async (t) => {
  const stack = await startTestStack(t)

  t.test('home shows Sign In to a signed-out visitor and sets no cookie', async (t) => {
    const browser = new BffBrowser(stack.url, stack.tenant)
    const home = await browser.get('/')
    t.equal(home.status, 200)
    t.equal(text(home.body, signInButton), 'Sign In')
    t.match(home.body, /No account\? Create one/)
    t.equal(home.headers['set-cookie'], undefined)
  })

  t.test('pages carry a CSP with no inline script and the other security headers', async (t) => {
    const browser = new BffBrowser(stack.url, stack.tenant)
    const { headers } = await browser.get('/')
    const csp = String(headers['content-security-policy'])
    t.match(csp, /script-src 'self'/)
    t.notMatch(csp, /unsafe-inline|unsafe-eval/)
    t.match(csp, /frame-ancestors 'none'/)
    t.match(csp, new RegExp(`form-action 'self' ${stack.tenant.httpOrigin}`), 'sign-out may continue to the tenant')
    t.equal(headers['x-content-type-options'], 'nosniff')
    t.equal(headers['referrer-policy'], 'no-referrer')
  })

  t.test('sign-in sends PKCE S256, state and nonce and the User.Read scopes to the tenant', async (t) => {
    const browser = new BffBrowser(stack.url, stack.tenant)
    const start = await browser.get('/auth/sign-in')
    t.equal(start.status, 302)
    const authorize = new URL(start.location!)
    t.equal(authorize.origin, stack.tenant.httpOrigin)
    t.equal(authorize.searchParams.get('code_challenge_method'), 'S256')
    t.ok(authorize.searchParams.get('state'))
    t.ok(authorize.searchParams.get('nonce'))
    t.same(authorize.searchParams.get('scope')!.split(' ').sort(), ['User.Read', 'offline_access', 'openid', 'profile'])
  })

  t.test('the happy path rotates the session id, lands on returnTo and greets the user', async (t) => {
    const browser = new BffBrowser(stack.url, stack.tenant)
    const start = await browser.get('/auth/sign-in?returnTo=%2Fclaims')
    const before = browser.cookies.get('session')
    const { redirectUrl } = await followAuthorize(stack.tenant, start.location!, stack.tenant.demoUser, browser.tenantJar)
    const back = await browser.get(redirectUrl)
    t.equal(back.status, 302)
    t.equal(back.location, '/claims')
    t.not(browser.cookies.get('session'), before, 'a new session id after sign-in')
    const cookie = ([back.headers['set-cookie']].flat() as string[]).find((line) => line.startsWith('session='))!
    t.match(cookie, /HttpOnly/)
    t.match(cookie, /SameSite=Lax/)
    const home = await browser.get('/')
    t.equal(text(home.body, 'main h1'), 'Hi Demo User')
    t.match(home.body, /View ID token claims/)
    const claims = await browser.get('/claims')
    t.match(claims.body, /demo@contoso\.test/)
    t.notMatch(claims.body, /eyJ[\w-]+\.[\w-]+\.[\w-]+/, 'no JWT on the page')
  })

  t.test('a bad state is rejected', async (t) => {
    const browser = new BffBrowser(stack.url, stack.tenant)
    const start = await browser.get('/auth/sign-in')
    const { redirectUrl } = await followAuthorize(stack.tenant, start.location!, stack.tenant.demoUser, browser.tenantJar)
    const forged = new URL(redirectUrl)
    forged.searchParams.set('state', 'not-the-state')
    const back = await browser.get(forged.toString())
    t.equal(back.status, 400)
    t.match(back.body, /expired or was already used/)
  })

  t.test('a replayed state is rejected', async (t) => {
    const browser = new BffBrowser(stack.url, stack.tenant)
    const start = await browser.get('/auth/sign-in')
    const { redirectUrl } = await followAuthorize(stack.tenant, start.location!, stack.tenant.demoUser, browser.tenantJar)
    t.equal((await browser.get(redirectUrl)).status, 302)
    const replay = await browser.get(redirectUrl)
    t.equal(replay.status, 400)
  })

  t.test('a callback in another session (no verifier) is rejected', async (t) => {
    const victim = new BffBrowser(stack.url, stack.tenant)
    const start = await victim.get('/auth/sign-in')
    const { redirectUrl } = await followAuthorize(stack.tenant, start.location!, stack.tenant.demoUser, victim.tenantJar)
    const attacker = new BffBrowser(stack.url, stack.tenant)
    const back = await attacker.get(redirectUrl)
    t.equal(back.status, 400)
    t.not(text((await attacker.get('/')).body, 'main h1'), 'Hi Demo User')
  })

  t.test('a code whose ID token nonce does not match is rejected', async (t) => {
    const browser = new BffBrowser(stack.url, stack.tenant)
    const start = await browser.get('/auth/sign-in')
    const tampered = new URL(start.location!)
    tampered.searchParams.set('nonce', 'a-different-nonce')
    const { redirectUrl } = await followAuthorize(stack.tenant, tampered.toString(), stack.tenant.demoUser, browser.tenantJar)
    const back = await browser.get(redirectUrl)
    t.equal(back.status, 400)
    t.match(back.body, /could not be completed/)
  })

  t.test('an open redirect returnTo falls back to home', async (t) => {
    for (const returnTo of ['https://evil.example/', '//evil.example/', '/\\evil.example', 'javascript:alert(1)']) {
      const browser = new BffBrowser(stack.url, stack.tenant)
      const back = await browser.authorize(`/auth/sign-in?returnTo=${encodeURIComponent(returnTo)}`)
      t.equal(back.location, '/', returnTo)
    }
  })

  t.test('sign-up asks the tenant for prompt=create', async (t) => {
    const browser = new BffBrowser(stack.url, stack.tenant)
    const start = await browser.get('/auth/sign-up')
    t.equal(new URL(start.location!).searchParams.get('prompt'), 'create')
  })

  t.test('sign-out needs a CSRF token, then ends the session at the tenant', async (t) => {
    const browser = new BffBrowser(stack.url, stack.tenant)
    await browser.signIn()
    await browser.get('/')
    t.equal((await browser.send('POST', '/auth/sign-out', { form: {}, csrf: false })).status, 403)
    t.equal((await browser.send('POST', '/auth/sign-out', { form: { _csrf: 'wrong' }, csrf: 'wrong' })).status, 403)
    // The plain form (no JavaScript): the token travels in the body only.
    const out = await browser.send('POST', '/auth/sign-out', { form: { _csrf: browser.lastCsrf! }, csrf: false })
    t.equal(out.status, 303)
    const logout = new URL(out.location!)
    t.match(logout.pathname, /\/oauth2\/v2\.0\/logout$/)
    t.equal(logout.searchParams.get('post_logout_redirect_uri'), `${stack.url}/`)
    t.equal(text((await browser.get('/')).body, signInButton), 'Sign In')
  })
})
