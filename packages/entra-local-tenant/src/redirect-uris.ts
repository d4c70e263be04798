import type { AppRegistration } from './tenant-file.ts'

// Redirect URI matching as Microsoft documents it ("Redirect URI (reply URL) restrictions and
// limitations", learn.microsoft.com/entra/identity-platform/reply-url):
// - the path (and query) is case-sensitive and must match exactly; scheme and host are not
//   (they are case-insensitive in URLs, and the URL parser lowercases them);
// - a URI without a path is the same as one with "/" (Entra answers such URIs with the slash);
//   with a path, a trailing slash is a different URI;
// - for http://localhost (and the 127.0.0.1 loopback) the port is ignored (RFC 8252 §7.3, §8.3);
// - http is allowed only for localhost.
// The same list serves post_logout_redirect_uri: "This URL must match one of the redirect URIs
// registered for your application" (v2-protocols-oidc, "Send a sign-out request").

const loopbackHosts = new Set(['localhost', '127.0.0.1'])

// The URL parser drops tabs and newlines and accepts user:password@ and port 0; a reply URL has
// none of them (reply-url.md lists the characters a redirect URI may hold), so such a URI matches
// nothing rather than the registered URI it would parse to.
const notInReplyUrls = /[\s\p{Cc}]/u

function parsed(uri: string): URL | undefined {
  if (notInReplyUrls.test(uri)) return undefined
  try {
    const url = new URL(uri)
    if (url.username || url.password || url.port === '0') return undefined
    return url.protocol === 'https:' || (url.protocol === 'http:' && loopbackHosts.has(url.hostname)) ? url : undefined
  } catch {
    return undefined
  }
}

export function redirectUriMatches(registered: string, requested: string): boolean {
  const want = parsed(registered)
  const got = parsed(requested)
  if (!want || !got || want.hash || got.hash) return false
  const samePort = loopbackHosts.has(got.hostname) || want.port === got.port
  return want.protocol === got.protocol && want.hostname === got.hostname && samePort &&
    want.pathname === got.pathname && want.search === got.search && !/[!$'(),;]/.test(got.pathname)
}

/** The app's redirect URIs (the tenant file's postLogoutRedirectUris are redirect URIs registered for sign-out). */
function registeredUris(app: AppRegistration, purpose: 'sign-in' | 'sign-out'): string[] {
  return purpose === 'sign-in' ? app.redirectUris : [...app.redirectUris, ...app.postLogoutRedirectUris]
}

export function isRegisteredRedirectUri(app: AppRegistration, requested: string): boolean {
  return registeredUris(app, 'sign-in').some((registered) => redirectUriMatches(registered, requested))
}

/** For logout: registered by the named client, or (no client named) by any app of the tenant. */
export function isRegisteredPostLogoutUri(apps: AppRegistration[], requested: string): boolean {
  return apps.some((app) => registeredUris(app, 'sign-out').some((registered) => redirectUriMatches(registered, requested)))
}
