import t from 'tap'
import { BffBrowser, signInButton, startTestBff, startTestStack } from '../../helpers/bff.ts'
import { startTestTenant } from '../../helpers/local-tenant.ts'
import { attribute, count, documentLanguage, text } from '../../../harness/html.ts'

// Which language the BFF answers in: Accept-Language, unless the user picked one (kept in a
// plain cookie, through sign-in); the tenant is asked for the same language with ui_locales.

const germanBrowser = { 'accept-language': 'de-DE,de;q=0.9,en;q=0.5' }

t.test('Accept-Language chooses the language; English is the default', async (t) => {
  const stack = await startTestStack(t)
  const browser = new BffBrowser(stack.url, stack.tenant)
  const german = await browser.send('GET', '/', { headers: germanBrowser })
  t.same(documentLanguage(german.body), { lang: 'de', dir: 'ltr' })
  t.equal(text(german.body, signInButton), 'Anmelden')
  const french = await browser.send('GET', '/', { headers: { 'accept-language': 'fr-FR' } })
  t.same(documentLanguage(french.body), { lang: 'en', dir: 'ltr' }, 'a language we do not ship falls back to English')
  t.equal(text(french.body, signInButton), 'Sign In')
})

t.test('the picked language beats Accept-Language, survives sign-in and goes to the tenant as ui_locales', async (t) => {
  const stack = await startTestStack(t)
  const browser = new BffBrowser(stack.url, stack.tenant)
  const picked = await browser.send('GET', '/language/en?returnTo=%2Fprofile', { headers: germanBrowser })
  t.equal(picked.status, 303)
  t.equal(picked.location, '/profile')
  t.equal(documentLanguage((await browser.send('GET', '/', { headers: germanBrowser })).body).lang, 'en')

  await browser.get('/language/de')
  const authorize = await browser.get('/auth/sign-in')
  t.equal(new URL(authorize.location!).searchParams.get('ui_locales'), 'de')
  await browser.signIn()
  const home = await browser.get('/')
  t.equal(text(home.body, 'main h1'), 'Hallo Demo User', 'still German after the session id rotated')
  t.equal(text(home.body, 'a[href="/language/en?returnTo=%2F"][lang="en"][hreflang="en"]'), 'English', 'the picker offers English')
  t.equal(text(home.body, 'a[lang="de"][hreflang="de"][aria-current="true"]'), 'Deutsch', 'and marks the current language')
  t.equal(count(home.body, '[aria-current]'), 1, 'and no other')
})

t.test('the picker knows only shipped languages and returns only to this site', async (t) => {
  const stack = await startTestStack(t)
  const browser = new BffBrowser(stack.url, stack.tenant)
  t.equal((await browser.get('/language/xx')).status, 404)
  t.equal((await browser.get('/language/de?returnTo=%2F%2Fevil.example')).location, '/')
  const callback = await browser.get('/auth/redirect?state=unknown&code=secret-code')
  t.notMatch(callback.body, /secret-code/, 'a sign-in callback page does not copy its code into the picker')
  t.equal(attribute(callback.body, 'a[lang="en"]', 'href'), '/language/en?returnTo=%2F')
})

t.test('the picked language is a plain cookie, Secure when the session cookie is, and no session', async (t) => {
  const tenant = await startTestTenant(t)
  for (const origin of [undefined, 'https://bff.example']) {
    const { app } = await startTestBff(t, tenant, 'http://127.0.0.1:9', { config: origin ? { publicOrigin: origin, trustProxy: true } : {} })
    const picked = await app.inject({ url: '/language/de?returnTo=%2F' })
    t.equal(picked.statusCode, 303)
    const cookies = [picked.headers['set-cookie'] ?? []].flat()
    t.equal(cookies.length, 1, 'one cookie, no session cookie')
    const attributes = new Set(cookies[0].split('; '))
    t.same(['language=de', 'Max-Age=31536000', 'Path=/', 'HttpOnly', 'SameSite=Lax'].filter((part) => !attributes.has(part)), [], 'a year, the whole site, HttpOnly, Lax')
    t.equal(attributes.has('Secure'), Boolean(origin), origin ? 'Secure on https' : 'not Secure on http://localhost')
    const home = await app.inject({ url: '/', headers: { cookie: 'language=de', 'accept-language': 'en' } })
    t.equal(documentLanguage(home.body).lang, 'de', 'the cookie beats Accept-Language')
  }
})
