import { request } from 'undici'
import type { LocalTenant } from 'entra-local-tenant'
import { cookieHeader, keepCookies } from './cookie-jar.ts'
import { csrfTokenOf } from './html.ts'
import { followAuthorize, type TenantCookieJar } from './tenant-pages.ts'

export interface BffResponse { status: number; headers: Record<string, string | string[] | undefined>; body: string; location?: string }

/** A cookie-keeping HTTP client for the BFF, as a browser without JavaScript (or htmx) would use it. */
export class BffBrowser {
  base: string
  tenant: LocalTenant
  cookies = new Map<string, string>()
  tenantJar: TenantCookieJar = new Map()
  lastCsrf?: string
  /** Every authorization code the tenant handed back, so a test can look for them in logs and spans. */
  authorizationCodes: string[] = []

  constructor(base: string, tenant: LocalTenant) {
    this.base = base
    this.tenant = tenant
  }

  async send(method: string, path: string, options: { form?: Record<string, string>; htmx?: boolean; csrf?: string | false; headers?: Record<string, string> } = {}): Promise<BffResponse> {
    const url = path.startsWith('http') ? path : `${this.base}${path}`
    const csrf = options.csrf === false ? undefined : options.csrf ?? this.lastCsrf
    const response = await request(url, {
      method: method as 'GET',
      headers: {
        cookie: cookieHeader(this.cookies),
        ...(options.htmx ? { 'hx-request': 'true', 'hx-request-type': 'partial' } : {}),
        ...(options.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        ...(csrf && method !== 'GET' ? { 'x-csrf-token': csrf } : {}),
        ...options.headers,
      },
      body: options.form ? new URLSearchParams(options.form).toString() : undefined,
    })
    keepCookies(this.cookies, response.headers['set-cookie'])
    const body = await response.body.text()
    const token = csrfTokenOf(body)
    if (token) this.lastCsrf = token
    const location = response.headers.location
    return { status: response.statusCode, headers: response.headers, body, location: typeof location === 'string' ? location : undefined }
  }

  get(path: string, options: { htmx?: boolean } = {}) {
    return this.send('GET', path, options)
  }

  /** Follows a BFF redirect to the tenant, signs in on its pages, and comes back through /auth/redirect. */
  async authorize(startPath: string, user = this.tenant.demoUser): Promise<BffResponse> {
    const start = await this.get(startPath)
    if (start.status !== 302 || !start.location) throw new Error(`${startPath} answered ${start.status}, not a redirect to the tenant`)
    const { redirectUrl } = await followAuthorize(this.tenant, start.location, user, this.tenantJar)
    const code = new URL(redirectUrl).searchParams.get('code')
    if (code) this.authorizationCodes.push(code)
    return this.get(redirectUrl)
  }

  signIn(user = this.tenant.demoUser) {
    return this.authorize('/auth/sign-in?returnTo=%2Fprofile', user)
  }
}
