import t from 'tap'
import { request } from 'undici'
import { BffBrowser, startTestStack } from '../../helpers/bff.ts'
import { documentLanguage, fieldValue, text } from '../../../harness/html.ts'

// The tenant's sign-in pages follow the app's ui_locales, as External ID's own pages do.

/** The tenant's pages as a browser sees them, keeping the tenant's cookies between steps. */
function tenantBrowser() {
  const cookies = new Map<string, string>()
  return async (url: string, form?: Record<string, string>) => {
    const cookie = [...cookies].map(([name, value]) => `${name}=${value}`).join('; ')
    const response = await request(url, form
      ? { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() }
      : { headers: { cookie } })
    for (const line of [response.headers['set-cookie'] ?? []].flat()) {
      const [pair] = line.split(';')
      const at = pair.indexOf('=')
      cookies.set(pair.slice(0, at), pair.slice(at + 1))
    }
    return response.body.text()
  }
}

t.test('a German user of the BFF gets the sign-in pages in German, step after step', async (t) => {
  const stack = await startTestStack(t)
  const browser = new BffBrowser(stack.url, stack.tenant)
  const start = await browser.send('GET', '/auth/sign-in', { headers: { 'accept-language': 'de-DE,de;q=0.9' } })
  const authorize = new URL(start.location!)
  t.equal(authorize.searchParams.get('ui_locales'), 'de', 'the BFF asks for German')

  const tenantPage = tenantBrowser()
  const emailPage = await tenantPage(authorize.toString())
  t.equal(documentLanguage(emailPage).lang, 'de')
  t.equal(text(emailPage, 'h1'), 'Anmelden')
  t.match(emailPage, /E-Mail-Adresse/)
  t.match(emailPage, /Entwicklungsmandant – nicht für den Produktivbetrieb/, 'the development banner too')
  const interaction = fieldValue(emailPage, 'interaction')!

  const unknown = await tenantPage(new URL('/login/email', authorize).toString(), { interaction, email: 'nobody@contoso.test' })
  t.match(unknown, /Zu dieser E-Mail-Adresse wurde kein Konto gefunden\./, 'the error message is German too')
  const passwordPage = await tenantPage(new URL('/login/email', authorize).toString(), { interaction, email: stack.tenant.demoUser.email })
  t.equal(text(passwordPage, 'h1'), 'Kennwort eingeben', 'the language stays with the sign-in in progress')
})

t.test('pages no app asked for (mailbox, tenant home, signed out) follow Accept-Language, titles included', async (t) => {
  const stack = await startTestStack(t)
  const origin = stack.tenant.httpOrigin
  const german = { 'accept-language': 'de-DE,de;q=0.9' }
  const mailbox = await request(`${origin}/mailbox`, { headers: german })
  t.equal(mailbox.headers.vary, 'accept-language')
  const mailboxPage = await mailbox.body.text()
  t.equal(documentLanguage(mailboxPage).lang, 'de')
  t.match(text(mailboxPage, 'title'), /^Entwickler-Postfach · /)
  t.equal(text(mailboxPage, 'h1'), 'Entwickler-Postfach')
  t.equal(text(mailboxPage, 'main > p:last-of-type'), 'Noch keine Nachrichten.')
  const home = await (await request(`${origin}/`, { headers: german })).body.text()
  t.match(text(home, 'title'), /^Lokaler Mandant · /)
  const signedOut = await (await request(`${origin}/${stack.tenant.tenantId}/oauth2/v2.0/logout`, { headers: german })).body.text()
  t.match(text(signedOut, 'title'), /^Abgemeldet · /)
  t.equal(text(signedOut, 'h1'), 'Sie haben sich von Ihrem Konto abgemeldet')
  const english = await (await request(`${origin}/mailbox`)).body.text()
  t.match(text(english, 'title'), /^Dev mailbox · /, 'no Accept-Language: English')
})

t.test('a German sign-in page has a German title', async (t) => {
  const stack = await startTestStack(t)
  const browser = new BffBrowser(stack.url, stack.tenant)
  const start = await browser.send('GET', '/auth/sign-in', { headers: { 'accept-language': 'de' } })
  const emailPage = await tenantBrowser()(start.location!)
  t.match(text(emailPage, 'title'), /^Anmelden · /)
})

t.test('without ui_locales the pages stay English', async (t) => {
  const stack = await startTestStack(t)
  const browser = new BffBrowser(stack.url, stack.tenant)
  const start = await browser.send('GET', '/auth/sign-in', { headers: { 'accept-language': 'en' } })
  const authorize = new URL(start.location!)
  authorize.searchParams.delete('ui_locales')
  const emailPage = await tenantBrowser()(authorize.toString())
  t.equal(documentLanguage(emailPage).lang, 'en')
  t.equal(text(emailPage, 'h1'), 'Sign in')
})
