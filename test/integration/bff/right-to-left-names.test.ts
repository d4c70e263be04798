import t from 'tap'
import { BffBrowser, cardField, startTestStack } from '../../helpers/bff.ts'
import { attribute, text } from '../../../harness/html.ts'

// A name in a right-to-left script keeps its own direction wherever it is shown (dir="auto"),
// without the bidirectional control characters the validation refuses.

t.test('a Hebrew display name renders with dir="auto" on the card and in the editor', async (t) => {
  const stack = await startTestStack(t)
  const browser = new BffBrowser(stack.url, stack.tenant)
  await browser.signIn()
  t.equal(text((await browser.get('/')).body, 'h1[dir="auto"]'), 'Hi Demo User', 'the greeting takes its direction from its text')
  await browser.get('/profile')
  await browser.send('PATCH', '/profile', { htmx: true, form: { displayName: 'x', givenName: '', surname: '' } })
  await browser.authorize('/auth/step-up')
  await browser.get('/profile?edit=1')
  const saved = await browser.send('PATCH', '/profile', { htmx: true, form: { displayName: 'שרה כהן', givenName: 'שרה', surname: 'כהן' } })
  t.equal(saved.status, 200)
  t.equal(saved.headers['content-language'], 'en')
  t.equal(text(saved.body, `${cardField('displayName')}[dir="auto"]`), 'שרה כהן')
  t.equal(text(saved.body, `${cardField('surname')}[dir="auto"]`), 'כהן')
  const editor = await browser.get('/profile/editor', { htmx: true })
  t.equal(attribute(editor.body, 'input#field-displayName[name="displayName"][type="text"][dir="auto"]', 'value'), 'שרה כהן')
})
