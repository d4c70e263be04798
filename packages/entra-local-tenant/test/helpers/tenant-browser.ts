import { request } from 'undici'
import { cookieHeader, keepCookies, type CookieJar } from '../../../../harness/cookie-jar.ts'
import { fieldValue } from '../../../../harness/html.ts'

// One browser on the tenant's pages, step by step: its own cookie jar, and the interaction id of
// the sign-in it is in (taken from the last page's hidden field), for tests of single pages.

export interface TenantPage { status: number; headers: Record<string, string | string[] | undefined>; html: string; location?: string }

export class TenantBrowser {
  jar: CookieJar = new Map()
  interaction = ''
  origin: string

  constructor(origin: string) {
    this.origin = origin
  }

  async #visit(url: string, form?: Record<string, string>): Promise<TenantPage> {
    const response = await request(url, {
      method: form ? 'POST' : 'GET',
      headers: { cookie: cookieHeader(this.jar), ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      body: form ? new URLSearchParams(form).toString() : undefined,
    })
    keepCookies(this.jar, response.headers['set-cookie'])
    const html = await response.body.text()
    this.interaction = fieldValue(html, 'interaction') || this.interaction
    const location = response.headers.location
    return { status: response.statusCode, headers: response.headers, html, location: typeof location === 'string' ? location : undefined }
  }

  open(url: string): Promise<TenantPage> {
    return this.#visit(url)
  }

  /** Posts a page's form (the current interaction id included). */
  post(path: string, form: Record<string, string> = {}): Promise<TenantPage> {
    return this.#visit(`${this.origin}${path}`, { interaction: this.interaction, ...form })
  }
}
