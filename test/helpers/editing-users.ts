import { randomUUID } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import type { LocalTenant, TenantFile } from 'entra-local-tenant'
import { fieldValue, text } from '../../harness/html.ts'
import { BffBrowser, type BffResponse, cardField, signInButton } from './bff.ts'

// Signed-in users who keep loading pages and saving their profile on two replicas while a test
// breaks something under them (test/integration/redis/failover.test.ts). Each user is a browser
// with two tabs, one on each replica (a load balancer spreads them), sharing the cookies; each
// has a user of their own in the tenant, so saves never meet another user's edits. Half of them
// save with htmx (PATCH, the form stays on the page), half without JavaScript (POST, the page
// comes back with the form).

export interface EditingUserSeed { email: string; password: string; displayName: string }

/** What one request got, and whether a user would call it a right answer. */
export interface Answer {
  /** The user's email. */
  user: string
  kind: 'page' | 'save'
  status: number
  ms: number
  /** When it answered (performance.now()). */
  at: number
  signedIn: boolean
  /** Our 503 page or fragment: "briefly unavailable", never Fastify's raw JSON. */
  ourUnavailablePage: boolean
  /** Our 503 for a session whose token work another request holds ("still being handled"). */
  busy: boolean
  /** A failed save (503 or 409) gave the typed values back: the htmx form is left as typed, the plain form comes back filled. */
  draftKept?: boolean
  saved?: boolean
}

const password = 'Failover-Passw0rd!'

/** `count` users of their own in the tenant file (edit it with startTestTenant's editTenant). */
export function seedEditingUsers(file: TenantFile, count: number): EditingUserSeed[] {
  const seeds = Array.from({ length: count }, (_, index) => ({ email: `editor-${index}@contoso.test`, password, displayName: `Editor ${index}` }))
  for (const seed of seeds) file.users.push({ id: randomUUID(), ...seed, givenName: 'Editor', surname: seed.displayName })
  return seeds
}

const unavailable = (response: BffResponse) => response.status === 503 && /briefly unavailable/.test(response.body)
const busy = (response: BffResponse) => response.status === 503 && /still being handled/.test(response.body)

export class EditingUser {
  readonly seed: EditingUserSeed
  readonly pageTab: BffBrowser
  readonly saveTab: BffBrowser
  readonly withHtmx: boolean
  /** What the editor's form holds now: the last values typed, until a save answers "saved". */
  typed: Record<string, string>
  private saves = 0

  constructor(tenant: LocalTenant, seed: EditingUserSeed, pageReplica: string, saveReplica: string, withHtmx: boolean) {
    this.seed = seed
    this.pageTab = new BffBrowser(pageReplica, tenant)
    this.saveTab = new BffBrowser(saveReplica, tenant)
    this.saveTab.cookies = this.pageTab.cookies
    this.saveTab.tenantJar = this.pageTab.tenantJar
    this.withHtmx = withHtmx
    this.typed = { displayName: seed.displayName, givenName: 'Editor', surname: seed.displayName }
  }

  /** Signs in and steps up (MFA) for the editor; both tabs then hold a CSRF token. */
  async signInAndStepUp() {
    await this.pageTab.authorize('/auth/sign-in?returnTo=%2Fprofile', this.seed)
    await this.pageTab.get('/profile/editor', { htmx: true })
    const landing = await this.pageTab.authorize('/auth/step-up', this.seed)
    const editor = await this.saveTab.get(landing.location ?? '/profile?edit=1')
    if (editor.status !== 200 || !this.saveTab.lastCsrf) throw new Error(`${this.seed.email}: the editor answered ${editor.status}`)
  }

  private signedIn(page: BffResponse) {
    return page.status === 200 && text(page.body, signInButton) === undefined && (text(page.body, 'main') ?? '').includes(this.seed.displayName)
  }

  /** The profile page in one tab and home in the other, at the same time (both ask for tokens). */
  async loadPages(): Promise<Answer[]> {
    return Promise.all([this.timed('page', () => this.pageTab.get('/profile')), this.timed('page', () => this.saveTab.get('/'))])
  }

  /** Types new values and saves them in the other tab; a failed save leaves them in the form. */
  async typeAndSave(): Promise<Answer> {
    this.saves += 1
    this.typed = { ...this.typed, displayName: `${this.seed.displayName} draft ${this.saves}` }
    return this.save()
  }

  /** Saves what the form holds (after a 409, keeping the user's values). */
  async save(keepYours = false): Promise<Answer> {
    const form = { ...this.typed, ...(keepYours ? { 'keep-displayName': 'yours' } : {}) }
    const answer = await this.timed('save', () => this.withHtmx
      ? this.saveTab.send('PATCH', '/profile', { htmx: true, form, headers: { 'hx-source': 'form#profile-editor' } })
      : this.saveTab.send('POST', '/profile', { form: { _csrf: this.saveTab.lastCsrf ?? '', ...form }, csrf: false }))
    return answer
  }

  /** The profile card's display name now (what Graph holds). */
  async savedDisplayName(): Promise<string | undefined> {
    return text((await this.pageTab.get('/profile')).body, `${cardField('displayName')}[dir="auto"]`)
  }

  private async timed(kind: Answer['kind'], send: () => Promise<BffResponse>): Promise<Answer> {
    const started = performance.now()
    const response = await send()
    const at = performance.now()
    const answer: Answer = { user: this.seed.email, kind, status: response.status, ms: at - started, at, signedIn: kind === 'page' && this.signedIn(response), ourUnavailablePage: unavailable(response), busy: busy(response) }
    if (kind === 'save') Object.assign(answer, this.judgeSave(response))
    return answer
  }

  private judgeSave(response: BffResponse): Pick<Answer, 'saved' | 'draftKept'> {
    if (this.withHtmx) {
      if (response.status === 200) return { saved: text(response.body, '[role="status"]') === 'Your profile was saved.' }
      // 503: the problem goes to the editor's problem area, the form is not swapped. 409: the editor comes back with the typed values.
      if (response.status === 503) return { draftKept: response.headers['hx-retarget'] === '#editor-problem' }
      if (response.status === 409) return { draftKept: fieldValue(response.body, 'displayName') === this.typed.displayName }
      return {}
    }
    if (response.status === 303) return { saved: response.location === '/profile' }
    if (response.status === 503 || response.status === 409) return { draftKept: fieldValue(response.body, 'displayName') === this.typed.displayName }
    return {}
  }
}
