import t from 'tap'
import { BffBrowser, cardField, startTestStack } from '../../helpers/bff.ts'
import { count, fieldValue, parseHtml, text } from '../../../harness/html.ts'

// Saving changes only what the user changed, and two editors of one profile: the real local
// tenant (and its Graph), the real edit profile service and the real BFF, each session its own
// browser (cookies, tenant sign-in and MFA).

type Stack = Awaited<ReturnType<typeof startTestStack>>
const htmx = { htmx: true }

/** A browser signed in and past the step-up, with the editor open (its base taken from Graph). */
async function editorOpen(stack: Stack, language: 'en' | 'de' = 'en') {
  const browser = new BffBrowser(stack.url, stack.tenant)
  if (language === 'de') await browser.get('/language/de?returnTo=%2F')
  await browser.signIn()
  await browser.get('/profile/editor', htmx)
  const landing = await browser.authorize('/auth/step-up')
  const editor = await browser.get(landing.location!)
  if (fieldValue(editor.body, 'displayName') === undefined) throw new Error('the editor did not open after step-up')
  return browser
}

/** The profile as Graph holds it now, read by a fresh page view. */
async function graphCard(browser: BffBrowser) {
  const page = await browser.get('/profile')
  return { displayName: text(page.body, cardField('displayName')), givenName: text(page.body, cardField('givenName')), surname: text(page.body, cardField('surname')) }
}

t.test('a form without a field leaves that field unchanged in Graph', async (t) => {
  const stack = await startTestStack(t)
  const browser = await editorOpen(stack)
  // An older page (or any client) that sends only the display name: today the others were wiped.
  const saved = await browser.send('PATCH', '/profile', { ...htmx, form: { displayName: 'Only The Name' } })
  t.equal(saved.status, 200)
  t.same(await graphCard(browser), { displayName: 'Only The Name', givenName: 'Demo', surname: 'User' })
})

t.test('a field emptied in the form is cleared; one left as it was is not sent', async (t) => {
  const stack = await startTestStack(t)
  const browser = await editorOpen(stack)
  const other = await editorOpen(stack)
  // The other device changes the surname; this one, opened before, clears the given name only.
  t.equal((await other.send('PATCH', '/profile', { ...htmx, form: { displayName: 'Demo User', givenName: 'Demo', surname: 'Elsewhere' } })).status, 200)
  const saved = await browser.send('POST', '/profile', { form: { displayName: 'Demo User', givenName: '', surname: 'User' } })
  t.equal(saved.status, 303, 'no conflict: the surname was not changed here')
  t.same(await graphCard(browser), { displayName: 'Demo User', givenName: '', surname: 'Elsewhere' })
})

t.test('two sessions editing different fields both land', async (t) => {
  const stack = await startTestStack(t)
  const laptop = await editorOpen(stack)
  const phone = await editorOpen(stack)
  const first = await laptop.send('PATCH', '/profile', { ...htmx, form: { displayName: 'Demo User', givenName: 'From Laptop', surname: 'User' } })
  t.equal(first.status, 200)
  const second = await phone.send('PATCH', '/profile', { ...htmx, form: { displayName: 'Demo User', givenName: 'Demo', surname: 'From Phone' } })
  t.equal(second.status, 200, 'the phone sent only the surname: the laptop\'s given name stays')
  t.same(await graphCard(laptop), { displayName: 'Demo User', givenName: 'From Laptop', surname: 'From Phone' })
})

t.test('the same field edited in two sessions: the second gets 409 with both values, and keeping theirs saves it', async (t) => {
  const stack = await startTestStack(t)
  const laptop = await editorOpen(stack)
  const phone = await editorOpen(stack)
  t.equal((await laptop.send('PATCH', '/profile', { ...htmx, form: { displayName: 'Laptop Name', givenName: 'Demo', surname: 'User' } })).status, 200)
  const conflict = await phone.send('PATCH', '/profile', { ...htmx, form: { displayName: 'Phone Name', givenName: 'Demo', surname: 'Phone Surname' } })
  t.equal(conflict.status, 409, conflict.body)
  const $ = parseHtml(conflict.body)
  t.notMatch(conflict.body, /<html/, 'a fragment for htmx')
  t.equal($('#conflict-summary[role="alert"]').length, 1)
  t.same($('fieldset.conflict').toArray().map((element) => $(element).attr('data-field')), ['displayName'], 'only the field changed on both sides')
  t.equal($('fieldset.conflict legend').text().trim(), 'Display name was changed elsewhere.')
  t.equal($('input[name="keep-displayName"][value="yours"]').parent().text().trim(), 'Keep yours: Phone Name')
  t.equal($('input[name="keep-displayName"][value="saved"]').parent().text().trim(), 'Take the saved value: Laptop Name')
  t.ok($('input[name="keep-displayName"][value="yours"]').is('[checked]'), 'keeping yours is the default')
  t.equal(fieldValue(conflict.body, 'displayName'), 'Phone Name', 'the form keeps what was typed')
  t.equal(fieldValue(conflict.body, 'surname'), 'Phone Surname')
  t.same(await graphCard(laptop), { displayName: 'Laptop Name', givenName: 'Demo', surname: 'User' }, 'nothing was written')

  const kept = await phone.send('PATCH', '/profile', { ...htmx, form: { displayName: 'Phone Name', givenName: 'Demo', surname: 'Phone Surname', 'keep-displayName': 'yours' } })
  t.equal(kept.status, 200)
  t.equal(text(kept.body, '[role="status"]'), 'Your profile was saved.')
  t.same(await graphCard(laptop), { displayName: 'Phone Name', givenName: 'Demo', surname: 'Phone Surname' })
})

t.test('without JavaScript the 409 is the editor page, and taking the saved value keeps it while the other changes land', async (t) => {
  const stack = await startTestStack(t)
  const laptop = await editorOpen(stack)
  const phone = await editorOpen(stack)
  // The phone's editor page (its base and the plain form's CSRF token) is from before the laptop's save.
  const csrf = fieldValue((await phone.get('/profile?edit=1')).body, '_csrf', 'form#profile-editor')!
  t.equal((await laptop.send('PATCH', '/profile', { ...htmx, form: { displayName: 'Demo User', givenName: 'Laptop Given', surname: 'User' } })).status, 200)
  const conflict = await phone.send('POST', '/profile', { form: { _csrf: csrf, displayName: 'Phone Display', givenName: 'Phone Given', surname: 'User' }, csrf: false })
  t.equal(conflict.status, 409)
  t.match(conflict.body, /<html/, 'a full page')
  t.equal(count(conflict.body, 'form#profile-editor[method="post"][action="/profile"] fieldset.conflict input[name="keep-givenName"]'), 2, 'the choice is part of the plain form')
  t.equal(fieldValue(conflict.body, 'givenName'), 'Phone Given')

  const resolvedCsrf = fieldValue(conflict.body, '_csrf', 'form#profile-editor')!
  const taken = await phone.send('POST', '/profile', { form: { _csrf: resolvedCsrf, displayName: 'Phone Display', givenName: 'Phone Given', surname: 'User', 'keep-givenName': 'saved' }, csrf: false })
  t.equal(taken.status, 303)
  t.equal(taken.location, '/profile')
  t.same(await graphCard(phone), { displayName: 'Phone Display', givenName: 'Laptop Given', surname: 'User' })
})

t.test('a draft kept over step-up still carries its base: the save after step-up sends only the changes', async (t) => {
  const stack = await startTestStack(t)
  const browser = new BffBrowser(stack.url, stack.tenant)
  await browser.signIn()
  await browser.get('/profile?edit=1') // the editor's base is taken here; the service token still needs MFA
  const challenged = await browser.send('PATCH', '/profile', { ...htmx, form: { displayName: 'Typed Before MFA', givenName: 'Demo', surname: 'User' } })
  t.equal(challenged.status, 401)
  // Meanwhile another device changes the surname.
  const other = await editorOpen(stack)
  t.equal((await other.send('PATCH', '/profile', { ...htmx, form: { displayName: 'Demo User', givenName: 'Demo', surname: 'Changed Meanwhile' } })).status, 200)

  const back = await browser.authorize('/auth/step-up')
  const landing = await browser.get(back.location!)
  t.equal(fieldValue(landing.body, 'displayName'), 'Typed Before MFA', 'the draft is back')
  t.equal(fieldValue(landing.body, 'surname'), 'User', 'the draft holds the surname as it was typed')
  const saved = await browser.send('PATCH', '/profile', { ...htmx, form: { displayName: 'Typed Before MFA', givenName: 'Demo', surname: 'User' } })
  t.equal(saved.status, 200, 'only the display name differs from the base: the surname is not sent')
  t.same(await graphCard(browser), { displayName: 'Typed Before MFA', givenName: 'Demo', surname: 'Changed Meanwhile' })
})

t.test('in German the conflict is worded in German, values as they were typed and saved', async (t) => {
  const stack = await startTestStack(t)
  const laptop = await editorOpen(stack)
  const phone = await editorOpen(stack, 'de')
  t.equal((await laptop.send('PATCH', '/profile', { ...htmx, form: { displayName: 'Demo User', givenName: '', surname: 'User' } })).status, 200)
  const conflict = await phone.send('POST', '/profile', { form: { displayName: 'Demo User', givenName: 'Mein Vorname', surname: 'User' } })
  t.equal(conflict.status, 409)
  const $ = parseHtml(conflict.body)
  t.equal($('html').attr('lang'), 'de')
  t.equal($('fieldset.conflict legend').text().trim(), 'Vorname wurde an anderer Stelle geändert.')
  t.equal($('input[name="keep-givenName"][value="yours"]').parent().text().trim(), 'Ihren Wert behalten: Mein Vorname')
  t.equal($('input[name="keep-givenName"][value="saved"]').parent().text().trim(), 'Gespeicherten Wert übernehmen: (leer)', 'a cleared value is named as empty')
  t.notMatch($('#conflict-summary').text(), /changed elsewhere|Keep yours|saved value/)
})
