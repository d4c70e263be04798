import type { Fault, FaultEndpoint, FaultRule } from './faults.ts'

// `entra-local-tenant/testing`: a typed client of the test-control API (test-control.ts), for
// tests that run the tenant in another process (`npx entra-local-tenant --test-control`).

export type { Fault, FaultEndpoint, FaultRule }

export interface MailboxMessage { to: string; code: string; purpose: string; sentAt: string }

/** The test-control API refused a request (its status and the tenant's description). */
export class TestControlError extends Error {
  status: number
  constructor(status: number, message: string) {
    super(message)
    this.name = 'TestControlError'
    this.status = status
  }
}

export class TenantTestControl {
  readonly #base: string
  readonly #fetch: typeof fetch

  /** `baseUrl`: the tenant's test-control URL, e.g. http://localhost:3100/_test (printed on start). */
  constructor(baseUrl: string | URL, options: { fetch?: typeof fetch } = {}) {
    this.#base = String(baseUrl).replace(/\/+$/, '')
    this.#fetch = options.fetch ?? fetch
  }

  async #call(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<unknown> {
    const response = await this.#fetch(`${this.#base}${path}`, {
      method,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    })
    const text = await response.text()
    const parsed = text ? JSON.parse(text) as Record<string, unknown> : undefined
    if (!response.ok) throw new TestControlError(response.status, String(parsed?.error_description ?? parsed?.message ?? response.statusText))
    return parsed
  }

  #user(email: string, action: string, body?: unknown): Promise<unknown> {
    return this.#call('POST', `/users/${encodeURIComponent(email)}/${action}`, body ?? {})
  }

  /** Every one-time code the tenant mailed, newest first. */
  async mailbox(): Promise<MailboxMessage[]> {
    return ((await this.#call('GET', '/mailbox')) as { messages: MailboxMessage[] }).messages
  }

  /** The newest code mailed to `email` (of one purpose, e.g. "mfa" or "signup", if given). */
  async lastCode(email: string, purpose?: string): Promise<string | undefined> {
    const to = email.toLowerCase()
    return (await this.mailbox()).find((message) => message.to === to && (!purpose || message.purpose === purpose))?.code
  }

  /** The next `times` requests to `endpoint` (every one, without `times`) meet the fault. */
  async injectFault(endpoint: FaultEndpoint, fault: Fault, times?: number): Promise<void> {
    await this.#call('POST', '/faults', { ...fault, endpoint, ...(times === undefined ? {} : { times }) })
  }

  async clearFaults(): Promise<void> {
    await this.#call('DELETE', '/faults')
  }

  /** Moves the tenant's clock: codes, sessions, refresh tokens and (at its Graph and on-behalf-of) access tokens age at once. */
  async advanceClock(seconds: number): Promise<void> {
    await this.#call('POST', '/clock', { advanceSeconds: seconds })
  }

  /** The admin center's "Revoke sessions": refresh tokens answer AADSTS50173, CAE-capable tokens get a claims challenge. */
  async revokeSessions(email: string): Promise<void> {
    await this.#user(email, 'revoke-sessions')
  }

  /** "Block sign in": refresh tokens answer AADSTS50057, CAE-capable tokens get a claims challenge. */
  async disableUser(email: string): Promise<void> {
    await this.#user(email, 'disable')
  }

  /** An admin's password reset: only the new password signs in, and the user's sessions are revoked. */
  async resetPassword(email: string, password: string): Promise<void> {
    await this.#user(email, 'reset-password', { password })
  }

  /** Back to the tenant file's users; no sessions, codes or faults; the clock at now. */
  async reset(): Promise<void> {
    await this.#call('POST', '/reset')
  }
}
