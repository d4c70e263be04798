// A public client (a desktop or command-line app, no secret) of the local tenant with
// @azure/msal-node: interactive sign-in through the system browser and a loopback redirect.
//   NODE_EXTRA_CA_CERTS=.data/local-tenant/ca.crt AUTHORITY=... CLIENT_ID=... node msal-node-public-client.mjs
import { PublicClientApplication } from '@azure/msal-node'

const authority = process.env.AUTHORITY
const app = new PublicClientApplication({
  auth: { clientId: process.env.CLIENT_ID, authority, knownAuthorities: [new URL(authority).host] },
})

const result = await app.acquireTokenInteractive({
  scopes: ['User.Read'],
  // A real app opens the system browser here (e.g. with the `open` package); msal listens on
  // http://localhost:{free port} for the redirect, which the app registration allows.
  openBrowser: async (url) => console.log(`Sign in at ${url}`),
  successTemplate: 'Signed in. You can close this window.',
})
const me = await fetch(`${new URL(authority).origin}/v1.0/me`, { headers: { authorization: `Bearer ${result.accessToken}` } })
// Later calls are silent: from msal's cache, or with the refresh token (no secret).
const silent = await app.acquireTokenSilent({ account: result.account, scopes: ['User.Read'], forceRefresh: true })

console.log(JSON.stringify({ username: result.account.username, me: await me.json(), refreshed: silent.accessToken !== result.accessToken }))
