import t from 'tap'
import { asksForNewerToken, claimsFromChallenge, insufficientClaimsChallenge } from '../src/claims-challenge.ts'
import { formatWwwAuthenticate } from '../src/www-authenticate.ts'

t.test('the challenge Microsoft documents for a claims challenge yields its claims JSON', async (t) => {
  // From Microsoft's "Claims challenges, claims requests and client capabilities" page.
  const header = 'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", ' +
    'client_id="00000003-0000-0000-c000-000000000000", error="insufficient_claims", ' +
    'claims="eyJhY2Nlc3NfdG9rZW4iOnsibmJmIjp7ImVzc2VudGlhbCI6dHJ1ZSwgInZhbHVlIjoiMTYwNDEwNjY1MSJ9fX0="'
  t.equal(claimsFromChallenge(header), '{"access_token":{"nbf":{"essential":true, "value":"1604106651"}}}')
})

t.test('a claims challenge round-trips its claims through base64', async (t) => {
  const claims = '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}'
  const header = formatWwwAuthenticate(insufficientClaimsChallenge(claims, { authorization_uri: 'https://login/authorize' }))
  t.match(header, /^Bearer realm="", authorization_uri="https:\/\/login\/authorize", error="insufficient_claims", claims="[A-Za-z0-9+/=]+"$/)
  t.equal(claimsFromChallenge(header), claims)
})

t.test('claims that are not ASCII survive the round trip', async (t) => {
  const claims = '{"access_token":{"xms_note":{"value":"Zoë ✓"}}}'
  t.equal(claimsFromChallenge(formatWwwAuthenticate(insufficientClaimsChallenge(claims))), claims)
})

t.test('extra parameters cannot replace the error or the claims of the challenge', async (t) => {
  const challenge = insufficientClaimsChallenge('{}', { error: 'invalid_token', claims: 'forged', client_id: 'abc' })
  t.equal(challenge.params.error, 'insufficient_claims')
  t.equal(challenge.params.claims, Buffer.from('{}').toString('base64'))
  t.equal(challenge.params.client_id, 'abc')
})

t.test('claims are found among other challenges and in a repeated header, with any scheme case', async (t) => {
  const claims = '{"access_token":{"capolids":{"essential":true,"values":["p1"]}}}'
  const encoded = Buffer.from(claims).toString('base64')
  t.equal(claimsFromChallenge(['Basic realm="x"', `bearer claims="${encoded}", error="insufficient_claims"`]), claims)
})

t.test('no claims come from a challenge that is not insufficient_claims, has no claims, or whose claims are not JSON', async (t) => {
  const encoded = Buffer.from('{"access_token":{}}').toString('base64')
  t.equal(claimsFromChallenge(`Bearer error="invalid_token", claims="${encoded}"`), undefined)
  t.equal(claimsFromChallenge('Bearer error="insufficient_claims"'), undefined)
  t.equal(claimsFromChallenge(`Bearer error="insufficient_claims", claims="${Buffer.from('not json').toString('base64')}"`), undefined)
  t.equal(claimsFromChallenge(undefined), undefined)
})

t.test('a CAE challenge (access_token.nbf) asks for a newer token; MFA and auth-context challenges and junk do not', async (t) => {
  t.equal(asksForNewerToken('{"access_token":{"nbf":{"essential":true, "value":"1604106651"}}}'), true)
  t.equal(asksForNewerToken('{"access_token":{"capolids":{"essential":true,"values":["p1"]}}}'), false)
  t.equal(asksForNewerToken('{"access_token":{"acrs":{"essential":true,"value":"c1"}}}'), false)
  t.equal(asksForNewerToken('{"access_token":{"nbf":null}}'), false)
  t.equal(asksForNewerToken('null'), false)
  t.equal(asksForNewerToken('not json'), false)
})
