// A public client of the local tenant with openid-client (any OpenID Connect client works the
// same way): discovery from Entra's v2 issuer, authorization code with PKCE through a loopback
// redirect, the ID token's claims, userinfo, and a refresh. openid-client accepts only https
// endpoints: start the tenant with --pages-on-https (and trust its CA in the browser too).
//   NODE_EXTRA_CA_CERTS=.data/local-tenant/ca.crt AUTHORITY=... CLIENT_ID=... node openid-client.mjs
import { createServer } from 'node:http'
import * as client from 'openid-client'

const authority = process.env.AUTHORITY
// Entra's v2 issuer is {authority}/v2.0; its discovery document names exactly that issuer.
const config = await client.discovery(new URL(`${authority}/v2.0`), process.env.CLIENT_ID, undefined, client.None())

// The redirect: any port of http://localhost (Entra ignores the port of a localhost redirect URI).
const listener = createServer()
await new Promise((resolve) => listener.listen(0, '127.0.0.1', resolve))
const redirectUri = `http://localhost:${listener.address().port}/`
const verifier = client.randomPKCECodeVerifier()
const state = client.randomState()
const signIn = client.buildAuthorizationUrl(config, {
  redirect_uri: redirectUri, scope: 'openid profile offline_access User.Read', state,
  code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
})
const callback = new Promise((resolve) => listener.on('request', (request, response) => {
  response.end('Signed in. You can close this window.')
  listener.close()
  resolve(new URL(request.url, redirectUri))
}))
console.log(`Sign in at ${signIn}`)

const tokens = await client.authorizationCodeGrant(config, await callback, { pkceCodeVerifier: verifier, expectedState: state })
const claims = tokens.claims()
// userinfo answers for the Graph token (User.Read) with the same pairwise subject as the ID token.
const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub)
// Entra's v2 token endpoint requires `scope` on a refresh (AADSTS900144 without it).
const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token, { scope: 'User.Read' })

console.log(JSON.stringify({ issuer: claims.iss, name: claims.name, userinfo, refreshed: Boolean(refreshed.access_token) }))
