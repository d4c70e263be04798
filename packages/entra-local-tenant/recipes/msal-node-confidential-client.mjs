// A confidential client (a web app, a daemon) of the local tenant with @azure/msal-node, as it
// would be configured for a real tenant. Run with the CA trusted:
//   NODE_EXTRA_CA_CERTS=.data/local-tenant/ca.crt AUTHORITY=... CLIENT_ID=... CLIENT_SECRET=... node msal-node-confidential-client.mjs
import { ConfidentialClientApplication, CryptoProvider } from '@azure/msal-node'

const authority = process.env.AUTHORITY // https://localhost:3101/{tenant id}, printed on start
const app = new ConfidentialClientApplication({
  auth: {
    clientId: process.env.CLIENT_ID,
    clientSecret: process.env.CLIENT_SECRET,
    authority,
    // Not a Microsoft host: trust its metadata without instance discovery.
    knownAuthorities: [new URL(authority).host],
  },
})

// App-only: a Graph token with the app's application permissions (roles), then Graph itself.
const appOnly = await app.acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] })
const graph = `${new URL(authority).origin}/v1.0`
const user = await fetch(`${graph}/users/${process.env.USER_ID}`, { headers: { authorization: `Bearer ${appOnly.accessToken}` } })

// A user's sign-in starts at the authorization code URL, with PKCE (keep the verifier for acquireTokenByCode).
const pkce = await new CryptoProvider().generatePkceCodes()
const signIn = await app.getAuthCodeUrl({
  scopes: ['User.Read'], redirectUri: process.env.REDIRECT_URI, codeChallenge: pkce.challenge, codeChallengeMethod: 'S256',
})

console.log(JSON.stringify({ tokenType: appOnly.tokenType, graphStatus: user.status, graphUser: await user.json(), signIn }))
