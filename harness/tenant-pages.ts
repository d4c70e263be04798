import { request, type Dispatcher } from 'undici'
import { cookieHeader, keepCookies, type CookieJar } from './cookie-jar.ts'
import { postForm, text } from './html.ts'

// Drives the local tenant's sign-in pages (plain http, or https with a dispatcher), as a browser would, for tests and
// the benchmark. The jar keeps the tenant's SSO cookie, so a second authorize only asks for MFA.

export type TenantCookieJar = CookieJar

export interface PageUser { email: string; password: string }

export class TenantPageError extends Error {
  status: number
  page: string
  constructor(status: number, page: string) {
    super(`the tenant answered ${status}: ${text(page, '[role="alert"]') ?? (text(page, 'body') ?? page).replace(/\s+/g, ' ').slice(0, 300)}`)
    this.status = status
    this.page = page
  }
}

interface Page { status: number; location?: string; html: string }

async function visit(url: string, jar: TenantCookieJar, form?: Record<string, string>, dispatcher?: Dispatcher): Promise<Page> {
  const response = await request(url, {
    dispatcher,
    method: form ? 'POST' : 'GET',
    headers: { cookie: cookieHeader(jar), ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
    body: form ? new URLSearchParams(form).toString() : undefined,
  })
  keepCookies(jar, response.headers['set-cookie'])
  const html = await response.body.text()
  const location = response.headers.location
  return { status: response.statusCode, location: typeof location === 'string' ? new URL(location, url).toString() : undefined, html }
}

/**
 * Signs the user in on the tenant's pages (email, password, and the emailed code when MFA is
 * asked for) and returns the redirect back to the app, not followed; with response_mode=form_post,
 * the app's URL and the fields the page would post there.
 */
/** Where the one-time codes the tenant mails come from: its in-process test API, or its test-control API's mailbox. */
export interface CodeSource { testing: { lastCode(email: string): string | undefined | Promise<string | undefined> } }

export async function followAuthorize(
  tenant: CodeSource, authorizeUrl: string, user: PageUser, jar: TenantCookieJar = new Map(), dispatcher?: Dispatcher,
): Promise<{ redirectUrl: string; jar: TenantCookieJar; formPost?: Record<string, string> }> {
  let page = await visit(authorizeUrl, jar, undefined, dispatcher)
  for (let step = 0; step < 6; step++) {
    if (page.status === 302 && page.location) return { redirectUrl: page.location, jar }
    const form = postForm(page.html)
    if (page.status !== 200 || !form) throw new TenantPageError(page.status, page.html)
    // Forms post to the origin the sign-in runs on (plain http, or https as Entra).
    // The tenant's own forms post to its paths; the form_post page to the app's redirect URI.
    if (/^https?:\/\//.test(form.action)) return { redirectUrl: form.action, jar, formPost: form.fields }
    const action = new URL(form.action, authorizeUrl).toString()
    if (form.action === '/login/email') page = await visit(action, jar, { ...form.fields, email: user.email }, dispatcher)
    else if (form.action === '/login/password') page = await visit(action, jar, { ...form.fields, password: user.password }, dispatcher)
    else if (form.action === '/login/mfa') page = await visit(action, jar, { ...form.fields, code: (await tenant.testing.lastCode(user.email)) ?? '' }, dispatcher)
    else throw new TenantPageError(page.status, page.html)
  }
  throw new Error('sign-in did not finish within six pages')
}
