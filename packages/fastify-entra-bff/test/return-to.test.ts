import t from 'tap'
import { safeReturnTo } from '../src/return-to.ts'

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

t.test('paths that normalise into another host fall back to home', async (t) => {
  const hostile = [
    '/.//evil.example/x', '/..//evil.example', '/%2e//evil.example', '/%2E//evil.example', '/a/..//evil.example',
    '/.///evil.example', '/%2e%2e//evil.example', '/./\\evil.example', '/.\\/evil.example', '/\\/evil.example',
    '/.//\tevil.example', '/.\t//evil.example', '/.\n//evil.example', '/\r//evil.example',
    '/a/b/../..//evil.example', '/././/evil.example',
  ]
  for (const value of hostile) t.equal(safeReturnTo(value), '/', JSON.stringify(value))
})

t.test('encoded slashes stay encoded inside one path segment', async (t) => {
  // The browser does not decode %2F in a path: this is a path on this site, not another host.
  t.equal(safeReturnTo('/%2F%2Fevil.example'), '/%2F%2Fevil.example')
  t.equal(safeReturnTo('/%5C%5Cevil.example'), '/%5C%5Cevil.example')
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
