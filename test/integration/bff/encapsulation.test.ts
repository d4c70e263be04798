import t from 'tap'
import { attribute, attributes, count, parseHtml, text } from '../../../harness/html.ts'
import { BffBrowser, startTestBff } from '../../helpers/bff.ts'
import { startTestTenant } from '../../helpers/local-tenant.ts'
import { startPrivateRedis } from '../../helpers/redis.ts'

// Fastify's encapsulation as the BFF uses it: static files and probes live in a context without
// the session, so a frozen session store cannot hold them up; the pages' context has the session,
// CSRF and rate limits. Route schemas refuse malformed input with our own 400 page.

t.test('with Redis frozen, the stylesheet and htmx answer for a client with a session cookie, and the 503 page is styled', async (t) => {
  const redis = await startPrivateRedis(t)
  if (!redis) return
  const tenant = await startTestTenant(t)
  const bff = await startTestBff(t, tenant, 'http://127.0.0.1:9', { session: { redisUrl: redis.url } })
  const browser = new BffBrowser(bff.url, tenant)
  // A session in Redis: sign-in remembers its pending authorization there.
  t.equal((await browser.get('/auth/sign-in')).status, 302)
  t.equal(browser.cookies.size, 1, 'the browser holds a session cookie')

  redis.freeze()
  const page = await browser.get('/')
  t.equal(page.status, 503, 'a page needs the session store: our outage page')
  const stylesheet = attribute(page.body, 'link[rel="stylesheet"]', 'href')
  const scripts = attributes(page.body, 'script[src]', 'src')
  t.ok(stylesheet, 'the outage page links its stylesheet')
  t.ok(scripts.includes('/vendor/htmx/htmx.min.js'), 'and htmx')
  const css = await browser.get(stylesheet ?? '/public/css/app.css')
  t.equal(css.status, 200, 'the stylesheet answers while Redis is frozen')
  t.match(String(css.headers['content-type']), /^text\/css/)
  t.notOk(css.headers['set-cookie'], 'and touches no session')
  const htmx = await browser.get('/vendor/htmx/htmx.min.js')
  t.equal(htmx.status, 200, 'htmx answers while Redis is frozen')
  t.match(String(htmx.headers['content-type']), /javascript/)
  for (const probe of ['/healthz', '/readyz']) t.equal((await browser.get(probe)).status, 200, `${probe} answers while Redis is frozen`)
  t.match(String(css.headers['content-security-policy']), /default-src 'self'/, 'static files still get the security headers')
  const missing = await browser.get('/public/css/missing.css')
  t.equal(missing.status, 404, 'a missing static file is our 404 page, even with Redis frozen')
  t.equal(text(missing.body, 'h1'), 'Page not found')
  // Thawed before the BFF closes: closing waits for its Redis client to quit.
  redis.thaw()
})

t.test('input a route schema refuses gets our 400 page in the user\'s language, not Fastify\'s JSON', async (t) => {
  const tenant = await startTestTenant(t)
  const bff = await startTestBff(t, tenant, 'http://127.0.0.1:9')
  const browser = new BffBrowser(bff.url, tenant)
  const tooLong = await browser.send('GET', `/auth/sign-in?returnTo=${'a'.repeat(3000)}`, { headers: { 'accept-language': 'de' } })
  t.equal(tooLong.status, 400)
  t.match(String(tooLong.headers['content-type']), /^text\/html/)
  t.equal(text(tooLong.body, 'h1'), 'Das hat nicht funktioniert')
  t.match(parseHtml(tooLong.body)('main').text(), /Diese Adresse oder dieses Formular enthält etwas/)
  t.notMatch(tooLong.body, /querystring|FST_ERR|must NOT/, 'no schema words reach the page')

  const repeated = await browser.get('/language/de?returnTo=%2F&returnTo=%2Fclaims')
  t.equal(repeated.status, 400, 'a repeated parameter is not guessed at')
  t.equal(count(repeated.body, 'link[rel="stylesheet"]'), 1, 'a full, styled page')

  const fragment = await browser.send('GET', `/auth/sign-in?returnTo=${'a'.repeat(3000)}`, { htmx: true })
  t.equal(fragment.status, 400)
  t.notMatch(fragment.body, /<!doctype/i, 'htmx gets a fragment, not a page')
  t.match(fragment.body, /This address or form has something we cannot use/)
})
