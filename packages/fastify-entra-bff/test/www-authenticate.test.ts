import t from 'tap'
import { formatWwwAuthenticate, parseWwwAuthenticate } from '../src/www-authenticate.ts'

t.test('a Bearer challenge with quoted and token parameters parses in any order', async (t) => {
  t.same(parseWwwAuthenticate('Bearer error="invalid_token", realm="", max_age=30'), [
    { scheme: 'Bearer', params: { error: 'invalid_token', realm: '', max_age: '30' } },
  ])
})

t.test('parameter names are case-insensitive and quoted values keep escaped quotes and commas', async (t) => {
  t.same(parseWwwAuthenticate('Bearer Error_Description="the \\"aud\\" is wrong, sorry"'), [
    { scheme: 'Bearer', params: { error_description: 'the "aud" is wrong, sorry' } },
  ])
})

t.test('several challenges in one header and repeated headers are all returned', async (t) => {
  const challenges = parseWwwAuthenticate(['Negotiate abc==, Basic realm="x"', 'Bearer realm="", error="insufficient_claims"'])
  t.same(challenges.map((c) => c.scheme), ['Negotiate', 'Basic', 'Bearer'])
  t.equal(challenges[0].params.token68, 'abc==')
  t.equal(challenges[1].params.realm, 'x')
  t.equal(challenges[2].params.error, 'insufficient_claims')
})

t.test('no header gives no challenges', async (t) => {
  t.same(parseWwwAuthenticate(undefined), [])
  t.same(parseWwwAuthenticate(''), [])
})

t.test('formatting quotes and escapes, and parsing it gives the challenge back', async (t) => {
  const challenge = { scheme: 'Bearer', params: { realm: '', error: 'invalid_token', error_description: 'bad "sig", really\\' } }
  const header = formatWwwAuthenticate(challenge)
  t.equal(header, 'Bearer realm="", error="invalid_token", error_description="bad \\"sig\\", really\\\\"')
  t.same(parseWwwAuthenticate(header), [challenge])
})

t.test('an unquoted parameter value is read as a token and a quoted value may hold "=" and ","', async (t) => {
  t.same(parseWwwAuthenticate('Bearer error=invalid_token, error_uri="https://x/?a=1,b=2"'), [
    { scheme: 'Bearer', params: { error: 'invalid_token', error_uri: 'https://x/?a=1,b=2' } },
  ])
})

t.test('an unterminated quoted value ends at the end of the header instead of failing', async (t) => {
  t.same(parseWwwAuthenticate('Bearer realm="cut off'), [{ scheme: 'Bearer', params: { realm: 'cut off' } }])
})

t.test('a scheme without parameters formats as the bare scheme', async (t) => {
  t.equal(formatWwwAuthenticate({ scheme: 'Negotiate', params: {} }), 'Negotiate')
})
