import t from 'tap'
import { parseForm, unreadableFields } from '../../../src/bff/form-body.ts'

// The BFF's urlencoded parser: what browsers send is read as querystring reads it; malformed
// percent-encoded UTF-8 is named instead of becoming U+FFFD.

t.test('browser-encoded forms read as querystring reads them', async (t) => {
  const body = parseForm('displayName=Zo%C3%AB+%C3%85ngstr%C3%B6m&givenName=&surname=a%2Bb&flag')
  t.same({ ...body }, { displayName: 'Zoë Ångström', givenName: '', surname: 'a+b', flag: '' })
  t.same(unreadableFields(body), [])
})

t.test('a repeated name becomes a list', async (t) => {
  t.same({ ...parseForm('displayName=a&displayName=b&displayName=c') }, { displayName: ['a', 'b', 'c'] })
})

t.test('malformed UTF-8 and broken escapes are left out and named, the rest kept', async (t) => {
  const body = parseForm('displayName=%FF&givenName=Kept&surname=%E2%82&x=%zz')
  t.same({ ...body }, { givenName: 'Kept' })
  t.same(unreadableFields(body), ['displayName', 'surname', 'x'])
  t.notOk(Object.keys(body).includes('\uFFFD'))
})

t.test('a body that is not a parsed form has no unreadable fields', async (t) => {
  t.same(unreadableFields(undefined), [])
  t.same(unreadableFields({ displayName: 'x' }), [])
})
