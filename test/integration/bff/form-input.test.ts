import t from 'tap'
import { request } from 'undici'
import { BffBrowser, cardField, startTestStack } from '../../helpers/bff.ts'
import { attribute, fieldValue, text } from '../../../harness/html.ts'
import { cookieHeader } from '../../../harness/cookie-jar.ts'

// Input told, not trimmed: a value over its limit is refused with the field's message (no silent
// cut by `maxlength`), and a form with malformed UTF-8 is refused instead of saved as U+FFFD.

type Stack = Awaited<ReturnType<typeof startTestStack>>
const htmx = { htmx: true }

async function editorOpen(stack: Stack) {
  const browser = new BffBrowser(stack.url, stack.tenant)
  await browser.signIn()
  await browser.get('/profile/editor', htmx)
  const landing = await browser.authorize('/auth/step-up')
  return { browser, editor: await browser.get(landing.location!) }
}

/** A urlencoded body as a hand-made client sends it: percent-escapes exactly as given. */
async function rawSave(browser: BffBrowser, body: string, htmxRequest: boolean) {
  const response = await request(`${browser.base}/profile`, {
    method: htmxRequest ? 'PATCH' : 'POST',
    headers: {
      cookie: cookieHeader(browser.cookies), 'content-type': 'application/x-www-form-urlencoded', 'x-csrf-token': browser.lastCsrf!,
      ...(htmxRequest ? { 'hx-request': 'true', 'hx-request-type': 'partial' } : {}),
    },
    body,
  })
  return { status: response.statusCode, body: await response.body.text() }
}

t.test('the editor\'s fields do not cut what is typed or pasted: no maxlength', async (t) => {
  const stack = await startTestStack(t)
  const { editor } = await editorOpen(stack)
  for (const name of ['displayName', 'givenName', 'surname']) t.equal(attribute(editor.body, `input[name="${name}"]`, 'maxlength'), undefined, name)
  t.equal(text(editor.body, '#hint-displayName'), 'Up to 256 characters.', 'the limit is told beside the field')
  t.equal(attribute(editor.body, 'input[name="displayName"]', 'aria-describedby'), 'hint-displayName')
})

t.test('a pasted 300-character name is refused with the field\'s message, kept as typed, and nothing is saved', async (t) => {
  const stack = await startTestStack(t)
  const { browser } = await editorOpen(stack)
  const long = 'N'.repeat(300)
  const refused = await browser.send('POST', '/profile', { form: { displayName: long, givenName: 'Demo', surname: 'User' } })
  t.equal(refused.status, 422)
  t.equal(text(refused.body, '#error-displayName'), 'Display name must be at most 256 characters.')
  t.equal(attribute(refused.body, 'input[name="displayName"]', 'aria-describedby'), 'hint-displayName error-displayName')
  t.equal(fieldValue(refused.body, 'displayName'), long, 'the value is kept whole, so the user sees what to shorten')
  t.equal(text((await browser.get('/profile')).body, cardField('displayName')), 'Demo User')
})

for (const htmxRequest of [true, false]) {
  t.test(`invalid UTF-8 in a form is refused with a message and the other values kept (${htmxRequest ? 'htmx' : 'no JavaScript'})`, async (t) => {
    const stack = await startTestStack(t)
    const { browser } = await editorOpen(stack)
    const refused = await rawSave(browser, 'displayName=Ab%FFcd&givenName=Kept%20Given&surname=User', htmxRequest)
    t.equal(refused.status, 422)
    t.equal(text(refused.body, '#error-displayName'), 'Display name could not be read: it did not arrive as valid text (UTF-8). Enter it again.')
    t.equal(fieldValue(refused.body, 'givenName'), 'Kept Given')
    t.notMatch(refused.body, /\uFFFD/, 'no replacement character anywhere')
    const card = (await browser.get('/profile')).body
    t.equal(text(card, cardField('displayName')), 'Demo User', 'nothing was saved')
    t.equal(text(card, cardField('givenName')), 'Demo')
  })
}

t.test('well-formed percent-encoded UTF-8 is saved as typed', async (t) => {
  const stack = await startTestStack(t)
  const { browser } = await editorOpen(stack)
  const saved = await rawSave(browser, `displayName=${encodeURIComponent('Zoë Ångström')}&givenName=Demo&surname=User`, true)
  t.equal(saved.status, 200)
  t.equal(text((await browser.get('/profile')).body, cardField('displayName')), 'Zoë Ångström')
})
