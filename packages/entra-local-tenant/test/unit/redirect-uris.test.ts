import t from 'tap'
import { isRegisteredPostLogoutUri, isRegisteredRedirectUri, redirectUriMatches } from '../../src/redirect-uris.ts'
import type { AppRegistration } from '../../src/index.ts'

// Redirect URI matching as learn.microsoft.com/entra/identity-platform/reply-url documents it.

t.test('the path is case-sensitive', async (t) => {
  t.ok(redirectUriMatches('https://app.contoso.com/abc/response-oidc', 'https://app.contoso.com/abc/response-oidc'))
  t.notOk(redirectUriMatches('https://app.contoso.com/abc/response-oidc', 'https://app.contoso.com/ABC/response-oidc'))
})

t.test('scheme and host are not case-sensitive', async (t) => {
  t.ok(redirectUriMatches('https://app.contoso.com/cb', 'HTTPS://App.Contoso.com/cb'))
})

t.test('a URI without a path equals the same URI with "/"; with a path a trailing slash differs', async (t) => {
  t.ok(redirectUriMatches('https://contoso.com', 'https://contoso.com/'))
  t.notOk(redirectUriMatches('https://contoso.com/abc', 'https://contoso.com/abc/'))
})

t.test('the port is ignored for localhost and 127.0.0.1, not for other hosts', async (t) => {
  t.ok(redirectUriMatches('http://localhost/MyApp', 'http://localhost:5000/MyApp'))
  t.ok(redirectUriMatches('http://localhost:3000/auth/redirect', 'http://localhost:54321/auth/redirect'))
  t.ok(redirectUriMatches('http://127.0.0.1:3000/cb', 'http://127.0.0.1:4000/cb'))
  t.notOk(redirectUriMatches('https://contoso.com:8443/cb', 'https://contoso.com/cb'))
})

t.test('http is accepted only for localhost', async (t) => {
  t.notOk(redirectUriMatches('http://contoso.com/cb', 'http://contoso.com/cb'))
})

t.test('query strings must match exactly, fragments and special characters never match', async (t) => {
  t.ok(redirectUriMatches('https://contoso.com/cb?tenant=a', 'https://contoso.com/cb?tenant=a'))
  t.notOk(redirectUriMatches('https://contoso.com/cb?tenant=a', 'https://contoso.com/cb?tenant=b'))
  t.notOk(redirectUriMatches('https://contoso.com/cb', 'https://contoso.com/cb#x'))
  t.notOk(redirectUriMatches('https://contoso.com/a,b', 'https://contoso.com/a,b'))
  t.notOk(redirectUriMatches('https://contoso.com/cb', 'not a url'))
})

const app = (redirectUris: string[], postLogoutRedirectUris: string[] = []): AppRegistration => ({
  clientId: 'c', displayName: 'app', redirectUris, postLogoutRedirectUris, requirePkce: true, permissions: [],
})

t.test('sign-in accepts only redirect URIs; sign-out accepts redirect URIs of the app too', async (t) => {
  const web = app(['https://app.contoso.com/auth/redirect'], ['https://app.contoso.com/'])
  t.ok(isRegisteredRedirectUri(web, 'https://app.contoso.com/auth/redirect'))
  t.notOk(isRegisteredRedirectUri(web, 'https://app.contoso.com/'))
  t.ok(isRegisteredPostLogoutUri([web], 'https://app.contoso.com/'))
  t.ok(isRegisteredPostLogoutUri([web], 'https://app.contoso.com/auth/redirect'))
  t.notOk(isRegisteredPostLogoutUri([web], 'https://evil.example/'))
})
