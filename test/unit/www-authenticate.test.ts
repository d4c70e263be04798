import t from 'tap'
import { claimsFromChallenge, insufficientClaimsChallenge } from '../../src/lib/claims-challenge.ts'
import { formatWwwAuthenticate, parseWwwAuthenticate } from '../../src/lib/www-authenticate.ts'

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

t.test('a claims challenge round-trips its claims through base64', async (t) => {
  const claims = '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}'
  const header = formatWwwAuthenticate(insufficientClaimsChallenge(claims, { authorization_uri: 'https://login/authorize' }))
  t.match(header, /^Bearer realm="", authorization_uri="https:\/\/login\/authorize", error="insufficient_claims", claims="[A-Za-z0-9+/=]+"$/)
  t.equal(claimsFromChallenge(header), claims)
})

t.test('claims are found among other challenges and ignored when not insufficient_claims or not JSON', async (t) => {
  const claims = '{"access_token":{"capolids":{"essential":true,"values":["p1"]}}}'
  const encoded = Buffer.from(claims).toString('base64')
  t.equal(claimsFromChallenge(['Basic realm="x"', `Bearer claims="${encoded}", error="insufficient_claims"`]), claims)
  t.equal(claimsFromChallenge(`Bearer error="invalid_token", claims="${encoded}"`), undefined)
  t.equal(claimsFromChallenge(`Bearer error="insufficient_claims", claims="${Buffer.from('not json').toString('base64')}"`), undefined)
  t.equal(claimsFromChallenge(undefined), undefined)
})
