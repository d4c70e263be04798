import t from 'tap'
import { BffBrowser, cardField, startTestBff, startTestStack } from '../../helpers/bff.ts'
import { attributes, count, fieldValue, text } from '../../../harness/html.ts'
import { startTestTenant } from '../../helpers/local-tenant.ts'

const htmx = { htmx: true }

async function signedIn(stack: Awaited<ReturnType<typeof startTestStack>>) {
  const browser = new BffBrowser(stack.url, stack.tenant)
  await browser.signIn()
  await browser.get('/profile')
  return browser
}

/** Signed in and past the MFA step-up: /profile?edit=1 shows the editor with any draft. */
async function steppedUp(stack: Awaited<ReturnType<typeof startTestStack>>) {
  const browser = await signedIn(stack)
  await browser.get('/profile/editor', htmx)
  const landing = await browser.authorize('/auth/step-up')
  await browser.get(landing.location!) // the landing page carries the new session's CSRF token
  return browser
}

t.test('the profile page shows the Graph /me card with an Edit button', async (t) => {
  const stack = await startTestStack(t)
  const browser = await signedIn(stack)
  const page = await browser.get('/profile')
  t.equal(page.status, 200)
  t.equal(text(page.body, `${cardField('displayName')}[dir="auto"]`), 'Demo User')
  t.equal(text(page.body, cardField('mail')), 'demo@contoso.test')
  t.equal(text(page.body, 'a[hx-get="/profile/editor"]'), 'Edit')
  t.equal(page.headers.vary, 'HX-Request')
})

t.test('a signed-out visitor asking for the profile is sent to sign in', async (t) => {
  const stack = await startTestStack(t)
  const browser = new BffBrowser(stack.url, stack.tenant)
  const page = await browser.get('/profile')
  t.equal(page.status, 302)
  t.equal(page.location, '/auth/sign-in?returnTo=%2Fprofile')
})

t.test('the editor answers the 401 step-up fragment while MFA is missing', async (t) => {
  const stack = await startTestStack(t)
  const browser = await signedIn(stack)
  const editor = await browser.get('/profile/editor', htmx)
  t.equal(editor.status, 401)
  t.match(editor.body, /Verify it's you/)
  t.equal(count(editor.body, 'a[href="/auth/step-up"]'), 1)
  t.match(editor.body, /Cancel/)
  t.notMatch(editor.body, /<html/, 'a fragment, not a page')
})

t.test('after step-up the editor opens (200) with the fields', async (t) => {
  const stack = await startTestStack(t)
  const browser = await signedIn(stack)
  await browser.get('/profile/editor', htmx)
  const back = await browser.authorize('/auth/step-up')
  t.equal(back.location, '/profile?edit=1')
  const editor = await browser.get('/profile/editor', htmx)
  t.equal(editor.status, 200)
  for (const label of ['Display name', 'Given name', 'Surname', 'Save', 'Cancel']) t.match(editor.body, label)
  t.equal(fieldValue(editor.body, 'displayName'), 'Demo User')
})

t.test('saving after MFA updates Graph and renders the card with a status message', async (t) => {
  const stack = await startTestStack(t)
  const browser = await signedIn(stack)
  await browser.get('/profile/editor', htmx)
  await browser.authorize('/auth/step-up')
  await browser.get('/profile?edit=1')
  const saved = await browser.send('PATCH', '/profile', { ...htmx, form: { displayName: 'Demo Saved', givenName: 'Demo', surname: 'Saved' } })
  t.equal(saved.status, 200)
  t.equal(text(saved.body, '[role="status"]'), 'Your profile was saved.')
  t.equal(text(saved.body, `${cardField('displayName')}[dir="auto"]`), 'Demo Saved')
  const page = await browser.get('/profile')
  t.equal(text(page.body, `${cardField('displayName')}[dir="auto"]`), 'Demo Saved', 'Graph holds the new value')
})

t.test('invalid values answer 422 with messages and the typed values', async (t) => {
  const stack = await startTestStack(t)
  const browser = await signedIn(stack)
  const response = await browser.send('PATCH', '/profile', { ...htmx, form: { displayName: '   ', givenName: 'G'.repeat(70), surname: 'Kept' } })
  t.equal(response.status, 422)
  t.match(response.body, /Display name is required\./)
  t.match(response.body, /Given name must be at most 64 characters\./)
  t.equal(fieldValue(response.body, 'surname'), 'Kept')
  t.same(attributes(response.body, 'input[aria-invalid="true"]', 'name'), ['displayName', 'givenName'])
})

t.test('a save challenged for MFA keeps the draft and restores it after step-up', async (t) => {
  const stack = await startTestStack(t)
  const browser = await signedIn(stack)
  const challenged = await browser.send('PATCH', '/profile', { ...htmx, form: { displayName: 'Typed Before MFA', givenName: 'Typed', surname: 'Draft' } })
  t.equal(challenged.status, 401)
  t.match(challenged.body, /Verify it's you/)
  const back = await browser.authorize('/auth/step-up')
  t.equal(back.location, '/profile?edit=1')
  const page = await browser.get(back.location!)
  t.equal(fieldValue(page.body, 'displayName'), 'Typed Before MFA')
  t.equal(fieldValue(page.body, 'surname'), 'Draft')
  t.match(page.body, /Thanks, you are verified\./)
})

t.test('a claims challenge from the service (auth context) keeps the draft and restores it after step-up', async (t) => {
  const stack = await startTestStack(t, { serviceAuthContext: 'c1' })
  const browser = await signedIn(stack)
  await browser.get('/profile/editor', htmx)
  await browser.authorize('/auth/step-up')
  await browser.get('/profile?edit=1')
  const challenged = await browser.send('PATCH', '/profile', { ...htmx, form: { displayName: 'Needs Context', givenName: '', surname: '' } })
  t.equal(challenged.status, 401, 'the service demanded acrs c1')
  t.match(challenged.body, /Verify it's you/)
  const stepUp = await browser.get('/auth/step-up')
  t.match(new URL(stepUp.location!).searchParams.get('claims')!, /"acrs"/, 'step-up sends the stored claims')
  const back = await browser.authorize('/auth/step-up')
  const page = await browser.get(back.location!)
  t.equal(fieldValue(page.body, 'displayName'), 'Needs Context')
  const saved = await browser.send('PATCH', '/profile', { ...htmx, form: { displayName: 'Needs Context', givenName: '', surname: '' } })
  t.equal(saved.status, 200)
})

t.test('step-up ignores claims in the query string', async (t) => {
  const stack = await startTestStack(t)
  const browser = await signedIn(stack)
  const stepUp = await browser.get('/auth/step-up?claims=%7B%22evil%22%3A1%7D')
  t.notMatch(new URL(stepUp.location!).searchParams.get('claims') ?? '', /evil/)
})

t.test('an unreachable edit profile service keeps the values and offers Try again', async (t) => {
  const tenant = await startTestTenant(t)
  const bff = await startTestBff(t, tenant, 'http://127.0.0.1:9')
  const browser = new BffBrowser(bff.url, tenant)
  await browser.signIn()
  await browser.get('/profile')
  await browser.get('/profile/editor', htmx)
  await browser.authorize('/auth/step-up')
  await browser.get('/profile?edit=1')
  const response = await browser.send('PATCH', '/profile', { ...htmx, form: { displayName: 'Kept Through Outage', givenName: 'Kept', surname: 'Values' }, headers: { 'hx-source': 'form#profile-editor' } })
  t.equal(response.status, 502)
  t.equal(response.headers['hx-retarget'], '#editor-problem', 'the problem goes beside the form, which keeps what was typed')
  t.match(response.body, /Try again/)
  t.match(response.body, /could not be reached/)
  const reopened = await browser.get('/profile?edit=1')
  t.equal(fieldValue(reopened.body, 'displayName'), 'Kept Through Outage', 'the draft is kept server-side too')
})

t.test('PATCH without a CSRF token or with a wrong one is refused with 403', async (t) => {
  const stack = await startTestStack(t)
  const browser = await signedIn(stack)
  t.equal((await browser.send('PATCH', '/profile', { ...htmx, form: { displayName: 'x' }, csrf: false })).status, 403)
  t.equal((await browser.send('PATCH', '/profile', { ...htmx, form: { displayName: 'x' }, csrf: 'forged' })).status, 403)
})

t.test('Cancel returns the card and drops the draft', async (t) => {
  const stack = await startTestStack(t)
  const browser = await steppedUp(stack)
  await browser.send('PATCH', '/profile', { ...htmx, form: { displayName: ' ', givenName: 'Draft Given', surname: '' } })
  t.equal(fieldValue((await browser.get('/profile?edit=1')).body, 'givenName'), 'Draft Given', 'the draft is there before Cancel')
  const card = await browser.send('POST', '/profile/cancel', htmx)
  t.equal(card.status, 200)
  t.equal(text(card.body, `${cardField('displayName')}[dir="auto"]`), 'Demo User')
  t.notMatch((await browser.get('/profile?edit=1')).body, /Draft Given/, 'the draft is gone after Cancel')
})

t.test('Cancel without JavaScript posts the form and lands on the profile without the draft', async (t) => {
  const stack = await startTestStack(t)
  const browser = await steppedUp(stack)
  const editor = await browser.get('/profile?edit=1')
  const csrf = fieldValue(editor.body, '_csrf', 'form#profile-editor')!
  t.ok(csrf, 'the form carries its CSRF token')
  await browser.send('POST', '/profile', { form: { _csrf: csrf, displayName: ' ', givenName: 'Draft Given', surname: '' }, csrf: false })
  const cancelled = await browser.send('POST', '/profile/cancel', { form: { _csrf: csrf }, csrf: false })
  t.equal(cancelled.status, 303)
  t.equal(cancelled.location, '/profile')
  t.notMatch((await browser.get('/profile?edit=1')).body, /Draft Given/)
})

t.test('no GET discards the draft: a cross-site link to the old card URL changes nothing', async (t) => {
  const stack = await startTestStack(t)
  const browser = await steppedUp(stack)
  await browser.send('PATCH', '/profile', { ...htmx, form: { displayName: ' ', givenName: 'Draft Given', surname: '' } })
  await browser.send('GET', '/profile/card', { headers: { 'sec-fetch-site': 'cross-site' } })
  await browser.send('GET', '/profile/cancel', { headers: { 'sec-fetch-site': 'cross-site' } })
  t.equal(fieldValue((await browser.get('/profile?edit=1')).body, 'givenName'), 'Draft Given')
})

t.test('Cancel without a CSRF token is refused and keeps the draft', async (t) => {
  const stack = await startTestStack(t)
  const browser = await steppedUp(stack)
  await browser.send('PATCH', '/profile', { ...htmx, form: { displayName: ' ', givenName: 'Draft Given', surname: '' } })
  t.equal((await browser.send('POST', '/profile/cancel', { ...htmx, csrf: false })).status, 403)
  t.equal(fieldValue((await browser.get('/profile?edit=1')).body, 'givenName'), 'Draft Given')
})

t.test('a display name that would show blank or reorder text answers 422 with the typed value kept', async (t) => {
  const stack = await startTestStack(t)
  const browser = await signedIn(stack)
  const invisible = await browser.send('PATCH', '/profile', { ...htmx, form: { displayName: '\u200b\u200b', givenName: '', surname: '' } })
  t.equal(invisible.status, 422)
  t.match(invisible.body, /Display name must contain visible characters\./)
  const reordered = await browser.send('PATCH', '/profile', { ...htmx, form: { displayName: 'abc\u202etxt.exe', givenName: '', surname: '' } })
  t.equal(reordered.status, 422)
  t.match(reordered.body, /text-direction control characters/)
  t.equal(fieldValue(reordered.body, 'displayName'), 'abc\u202etxt.exe')
})

t.test('personal pages and fragments are never stored by the browser', async (t) => {
  const stack = await startTestStack(t)
  const browser = await signedIn(stack)
  for (const [path, options] of [['/', {}], ['/profile', {}], ['/profile?edit=1', {}], ['/claims', {}], ['/profile/editor', htmx]] as const) {
    const response = await browser.get(path, options)
    t.equal(response.headers['cache-control'], 'no-store', path)
  }
  t.match(String((await browser.get('/profile')).headers.vary), /HX-Request/i, 'one URL, page or fragment: Vary kept')
  t.match(String((await browser.get('/public/css/app.css')).headers['cache-control']), /max-age=3600/, 'shared assets stay cacheable')
})

t.test('health and readiness answer 200', async (t) => {
  const stack = await startTestStack(t)
  const browser = new BffBrowser(stack.url, stack.tenant)
  t.equal((await browser.get('/healthz')).status, 200)
  t.equal((await browser.get('/readyz')).status, 200)
})
