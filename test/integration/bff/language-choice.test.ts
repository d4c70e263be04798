import t from 'tap'
import { BffBrowser, startTestStack } from '../../helpers/bff.ts'

// Which language the BFF answers in: Accept-Language, unless the user picked one (kept in the
// session, through sign-in); the tenant is asked for the same language with ui_locales.

const germanBrowser = { 'accept-language': 'de-DE,de;q=0.9,en;q=0.5' }

t.test('Accept-Language chooses the language; English is the default', async (t) => {
  const stack = await startTestStack(t)
  const browser = new BffBrowser(stack.url, stack.tenant)
  const german = await browser.send('GET', '/', { headers: germanBrowser })
  t.match(german.body, /<html lang="de" dir="ltr">/)
  t.match(german.body, />Anmelden</)
  const french = await browser.send('GET', '/', { headers: { 'accept-language': 'fr-FR' } })
  t.match(french.body, /<html lang="en" dir="ltr">/, 'a language we do not ship falls back to English')
  t.match(french.body, />Sign In</)
})

t.test('the picked language beats Accept-Language, survives sign-in and goes to the tenant as ui_locales', async (t) => {
  const stack = await startTestStack(t)
  const browser = new BffBrowser(stack.url, stack.tenant)
  const picked = await browser.send('GET', '/language/en?returnTo=%2Fprofile', { headers: germanBrowser })
  t.equal(picked.status, 303)
  t.equal(picked.location, '/profile')
  t.match((await browser.send('GET', '/', { headers: germanBrowser })).body, /<html lang="en"/)

  await browser.get('/language/de')
  const authorize = await browser.get('/auth/sign-in')
  t.equal(new URL(authorize.location!).searchParams.get('ui_locales'), 'de')
  await browser.signIn()
  const home = await browser.get('/')
  t.match(home.body, /Hallo Demo User/, 'still German after the session id rotated')
  t.match(home.body, /href="\/language\/en\?returnTo=%2F" lang="en" hreflang="en">English</, 'the picker offers English')
  t.match(home.body, /lang="de" hreflang="de" aria-current="true">Deutsch</, 'and marks the current language')
})

t.test('the picker knows only shipped languages and returns only to this site', async (t) => {
  const stack = await startTestStack(t)
  const browser = new BffBrowser(stack.url, stack.tenant)
  t.equal((await browser.get('/language/xx')).status, 404)
  t.equal((await browser.get('/language/de?returnTo=%2F%2Fevil.example')).location, '/')
  const callback = await browser.get('/auth/redirect?state=unknown&code=secret-code')
  t.notMatch(callback.body, /secret-code/, 'a sign-in callback page does not copy its code into the picker')
  t.match(callback.body, /href="\/language\/en\?returnTo=%2F"/)
})
