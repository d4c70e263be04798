import t from 'tap'
import { safeReturnTo } from '../../../src/bff/return-to.ts'

// After sign-in the user goes back to `returnTo`: only paths on this site may pass.

t.test('a relative path with its query is kept', async (t) => {
  t.equal(safeReturnTo('/profile?edit=1'), '/profile?edit=1')
  t.equal(safeReturnTo('/claims'), '/claims')
})

t.test('anything that could leave the site falls back to home', async (t) => {
  const hostile = [
    'https://evil.example/', '//evil.example/', '/\\evil.example', '\\\\evil.example', 'javascript:alert(1)',
    'profile', '', '/%0d%0aSet-Cookie:x=1'.replace('%0d%0a', '\r\n'), '/\tfoo', `/${'a'.repeat(600)}`,
  ]
  for (const value of hostile) t.equal(safeReturnTo(value), '/', JSON.stringify(value.slice(0, 40)))
})

t.test('a value that is not a string falls back to the given default', async (t) => {
  t.equal(safeReturnTo(undefined, '/profile'), '/profile')
  t.equal(safeReturnTo(['/a', '/b']), '/')
  t.equal(safeReturnTo({ toString: () => '/profile' }), '/')
})

t.test('dot segments are resolved and cannot climb out of the site', async (t) => {
  t.equal(safeReturnTo('/a/../../profile'), '/profile')
})

t.test('a fragment is dropped', async (t) => {
  t.equal(safeReturnTo('/profile#top'), '/profile')
})
