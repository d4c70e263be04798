import t from 'tap'
import { BffBrowser, cardField, startTestStack } from '../../helpers/bff.ts'
import { parseHtml } from '../../../harness/html.ts'

// Names the editor would refuse can still come from the tenant (an admin, another app): the ID
// token's `name` and Graph's displayName, givenName and surname. Wherever a page shows them, a
// bidi override or a control character is shown as its code point inside an isolating <bdi>,
// never as the raw character.

const override = '\u202e'
const nul = '\u0000'

/** The demo user as the tenant holds them: a display name that would read "Hi resU omeD". */
const hostileNames = { displayName: `Demo ${override}User${nul}`, givenName: `De${nul}mo`, surname: `${override}User` }

/** The visible text of the first `<bdi>` under the selector; undefined when there is none. */
function isolated(html: string, selector: string): string | undefined {
  const bdi = parseHtml(html)(`${selector} bdi`).first()
  return bdi.length ? bdi.text() : undefined
}

function withHostileDemoUser() {
  return startTestStack(t, {
    tenant: {
      editTenant: (tenant) => {
        const demo = tenant.users[0]
        Object.assign(demo, hostileNames)
      },
    },
  })
}

t.test('the greeting on the home page shows the ID token name isolated, the override and NUL as code points', async (t) => {
  const stack = await withHostileDemoUser()
  const browser = new BffBrowser(stack.url, stack.tenant)
  await browser.signIn()
  const home = await browser.get('/')
  t.equal(home.status, 200)
  t.equal(isolated(home.body, 'main h1'), 'Demo <U+202E>User<U+0000>')
  t.equal(parseHtml(home.body)('main h1').text().trim(), 'Hi Demo <U+202E>User<U+0000>')
  t.notOk(home.body.includes(override), 'no raw override anywhere on the page')
  t.notOk(home.body.includes(nul), 'no raw NUL anywhere on the page')
})

t.test('the claims page shows the name claim isolated and visible', async (t) => {
  const stack = await withHostileDemoUser()
  const browser = new BffBrowser(stack.url, stack.tenant)
  await browser.signIn()
  const claims = await browser.get('/claims')
  t.equal(claims.status, 200)
  const $ = parseHtml(claims.body)
  const nameRow = $('table.claims tbody tr').filter((_, row) => $(row).find('th').text().trim() === 'name')
  t.equal(nameRow.find('td bdi').text(), 'Demo <U+202E>User<U+0000>')
  t.notOk(claims.body.includes(override))
  t.notOk(claims.body.includes(nul))
})

t.test('the profile card shows Graph\'s names isolated and visible', async (t) => {
  const stack = await withHostileDemoUser()
  const browser = new BffBrowser(stack.url, stack.tenant)
  await browser.signIn()
  const profile = await browser.get('/profile')
  t.equal(profile.status, 200)
  t.equal(isolated(profile.body, cardField('displayName')), 'Demo <U+202E>User<U+0000>')
  t.equal(isolated(profile.body, cardField('givenName')), 'De<U+0000>mo')
  t.equal(isolated(profile.body, cardField('surname')), '<U+202E>User')
  t.notOk(profile.body.includes(override))
  t.notOk(profile.body.includes(nul))
})
