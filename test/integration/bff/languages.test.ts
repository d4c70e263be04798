import t from 'tap'
import { de } from '../../../src/bff/i18n/messages-de.ts'
import { en } from '../../../src/bff/i18n/messages-en.ts'
import { missingMessages } from '../../../src/bff/i18n/translator.ts'
import { BffBrowser, startTestStack, type BffResponse } from '../../helpers/bff.ts'
import { documentLanguage } from '../../../harness/html.ts'
import { renewTokensAtEveryRequest } from '../../helpers/local-tenant.ts'

// Every page and fragment of the BFF, rendered in English and in German: no message id is missing
// from a catalog, <html> carries the language, and no English sentence is left in a German page.

type Stack = Awaited<ReturnType<typeof startTestStack>>
const htmx = { htmx: true }
const editorSource = { 'hx-source': 'form#profile-editor' }
const profileForm = (displayName: string) => ({ displayName, givenName: 'Ada', surname: 'Lovelace' })

/** Walks every state a user can meet and returns what each answered. */
async function everyState(stack: Stack, language: 'en' | 'de'): Promise<Record<string, BffResponse>> {
  const browser = new BffBrowser(stack.url, stack.tenant)
  const seen: Record<string, BffResponse> = {}
  if (language === 'de') t.equal((await browser.get('/language/de?returnTo=%2F')).status, 303)
  seen['home, signed out'] = await browser.get('/')
  seen['not found'] = await browser.get('/no-such-page')
  seen['sign-in response expired'] = await browser.get('/auth/redirect?state=unknown&code=x')

  await browser.signIn()
  seen['home, signed in'] = await browser.get('/')
  seen.claims = await browser.get('/claims')
  seen['profile card'] = await browser.get('/profile')
  seen['step-up fragment'] = await browser.get('/profile/editor', htmx)
  seen['step-up page (no JavaScript)'] = await browser.get('/profile?edit=1')
  seen['form expired'] = await browser.send('POST', '/profile/cancel', { ...htmx, csrf: false, form: {} })

  const landing = await browser.authorize('/auth/step-up')
  seen['landing after step-up'] = await browser.get(landing.location!)
  seen['editor fragment'] = await browser.get('/profile/editor', htmx)
  seen['422 fragment'] = await browser.send('PATCH', '/profile', { ...htmx, form: { displayName: '', givenName: 'x'.repeat(65), surname: '' } })
  seen['422 page (no JavaScript)'] = await browser.send('POST', '/profile', { form: { displayName: '', givenName: '', surname: '' } })
  seen['saved fragment'] = await browser.send('PATCH', '/profile', { ...htmx, form: profileForm('Saved') })
  seen['cancel fragment'] = await browser.send('POST', '/profile/cancel', { ...htmx, form: {} })
  await browser.send('POST', '/profile', { form: profileForm('Saved Without Script') })
  seen['saved notice page (no JavaScript)'] = await browser.get('/profile')

  await stack.service.app.close()
  seen['service down, in the editor'] = await browser.send('PATCH', '/profile', { ...htmx, headers: editorSource, form: profileForm('Kept') })
  seen['service down, no JavaScript'] = await browser.send('POST', '/profile', { form: profileForm('Kept') })

  // An admin revokes the user's sessions: the refresh token fails and the next token call needs a new sign-in.
  await stack.tenant.testing.revokeSessions(stack.tenant.demoUser.email)
  seen['session ended fragment'] = await browser.get('/profile/editor', htmx)
  return seen
}

/** Catalog sentences that differ between the languages: in a page of the other language they are untranslated text. */
const sentencesOnlyIn = (catalog: Record<string, string>, other: Record<string, string>) =>
  Object.entries(catalog).filter(([id, text]) => text !== other[id] && text.length >= 5 && !text.includes('{')).map(([, text]) => text)

for (const language of ['en', 'de'] as const) {
  t.test(`every page and fragment renders in ${language} with no missing message`, async (t) => {
    // 200 s tokens are already "expiring" for msal: every call uses the refresh token, so revoking it shows.
    const stack = await startTestStack(t, { tenant: { editTenant: renewTokensAtEveryRequest } })
    const seen = await everyState(stack, language)
    const foreign = language === 'de' ? sentencesOnlyIn(en, de) : sentencesOnlyIn(de, en)
    for (const [state, response] of Object.entries(seen)) {
      t.ok(response.status < 500 || /service down/.test(state), `${state}: answered ${response.status}`)
      if (/<html/.test(response.body)) t.same(documentLanguage(response.body), { lang: language, dir: 'ltr' }, `${state}: <html lang dir>`)
      t.same(foreign.filter((text) => response.body.includes(text)), [], `${state}: no text of the other language`)
    }
    t.match(seen['422 fragment'].body, language === 'de' ? /Vorname darf höchstens 64 Zeichen lang sein\./ : /Given name must be at most 64 characters\./, 'ICU plural')
    t.match(seen.claims.body, language === 'de' ? /\d{1,2}\. \p{L}+ \d{4}/u : /\p{L}+ \d{1,2}, \d{4}/u, 'timestamps as dates of the language')
    t.match(seen['session ended fragment'].body, language === 'de' ? /Ihre Sitzung ist abgelaufen/ : /Your session has ended/)
    t.match(seen['service down, in the editor'].body, language === 'de' ? /Profildienst war nicht erreichbar/ : /profile service could not be reached/)
    t.same([...missingMessages], [], 'no message id missing from a catalog')
  })
}
