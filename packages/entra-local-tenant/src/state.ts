import { randomBytes, randomInt, randomUUID } from 'node:crypto'
import { LRUCache } from 'lru-cache'
import type { AuthEvidence } from './conditional-access.ts'
import type { ScopeRequest } from './scopes.ts'

// Everything the tenant remembers between requests, in memory (users live in directory.ts).
// Every map a request can grow is bounded (the least recently used go first) and, where its
// entries have a lifetime, forgets them after it in real time: a client sending cookie-less
// authorize requests in a loop cannot make the tenant grow without end. The lifetimes the flows
// check (with the tenant's own clock, which tests move) are unchanged.

export interface TenantSession extends AuthEvidence {
  /** The cookie's value: a secret, never put in a token. */
  id: string
  /** The public session id ID tokens carry as `sid` (front-channel logout names it). */
  sid: string
  userId?: string
  authTime?: number
  /** Apps that got a code under this session: the logout page signs each out (front channel). */
  clientIds: Set<string>
}

export interface AuthorizeRequest {
  clientId: string
  redirectUri: string
  responseMode: 'query' | 'form_post'
  scope: string
  scopes: ScopeRequest
  state?: string
  nonce?: string
  codeChallenge?: string
  codeChallengeMethod?: 'S256' | 'plain'
  claims?: string
  prompt?: string
  loginHint?: string
  /** The app's `ui_locales`: the language of the sign-in pages. */
  uiLocales?: string
}

export type InteractionStep = 'select-account' | 'email' | 'password' | 'mfa' | 'signup-email' | 'signup-code' | 'signup-details'

export interface Interaction {
  id: string
  sessionId: string
  request: AuthorizeRequest
  step: InteractionStep
  email?: string
  userId?: string
  needsMfa: boolean
  /** One-time codes mailed for this sign-in (the first and every resend). */
  codesSent: number
  expiresAt: number
}

export interface AuthCode extends AuthEvidence {
  request: AuthorizeRequest
  userId: string
  /** The tenant session's public `sid`. */
  sessionId: string
  authTime: number
  expiresAt: number
}

export interface RefreshRecord extends AuthEvidence {
  clientId: string
  userId: string
  sessionId?: string
  authTime: number
  familyId: string
  /** Redeemed once already (refused again only with strictRefreshTokenReuseDetection; counted always). */
  used: boolean
  issuedAt: number
  expiresAt: number
}

/** How the user behind an API access token signed in, by the token's `uti`, for on-behalf-of requests. */
export interface IssuedAccessToken extends AuthEvidence {
  expiresAt: number
}

export interface OneTimeCode { code: string; expiresAt: number; attemptsLeft: number }
export interface MailboxEntry { to: string; code: string; purpose: string; sentAt: string }

const seconds = () => Math.floor(Date.now() / 1000)
const hour = 3600
const minuteMs = 60_000

/** How many entries each bounded map keeps at most: far beyond what a development tenant serves. */
export const stateLimits = { sessions: 10_000, interactions: 10_000, codes: 10_000, refreshTokens: 100_000, perAddress: 10_000, accessTokens: 10_000 }

// Counted through maxSize (each entry weighs 1), not max: lru-cache's max allocates every slot up
// front, which for these bounds was megabytes held by a tenant that had served nobody yet.
const bounded = <V extends {}>(maxEntries: number, ttlMs?: number) =>
  new LRUCache<string, V>({ maxSize: maxEntries, sizeCalculation: () => 1, ...(ttlMs ? { ttl: ttlMs } : {}) })

export function createTenantState() {
  const sessions = bounded<TenantSession>(stateLimits.sessions)
  // An unfinished sign-in lives 30 minutes (flow.ts), a code 5, a one-time code 10 at most.
  const interactions = bounded<Interaction>(stateLimits.interactions, 31 * minuteMs)
  const codes = bounded<AuthCode>(stateLimits.codes, 6 * minuteMs)
  const refreshTokens = bounded<RefreshRecord>(stateLimits.refreshTokens)
  /** Keyed by purpose and the pending interaction, never by the address alone. */
  const oneTimeCodes = bounded<OneTimeCode>(stateLimits.interactions, 31 * minuteMs)
  /** When codes were mailed to each address, for the hourly limit. */
  const codesMailed = bounded<number[]>(stateLimits.perAddress, 61 * minuteMs)
  const mailbox: MailboxEntry[] = []
  const passwordFailures = bounded<{ count: number; lockedUntil: number }>(stateLimits.perAddress)
  const mfaNotBefore = bounded<number>(stateLimits.perAddress)
  /** Refresh tokens issued before this time (per user) are revoked, as after "revoke sessions". */
  const refreshNotBefore = new Map<string, number>()
  /** CAE: tokens of capable (`cp1`) clients issued before this real time (per user) get a claims challenge. */
  const caeNotBefore = new Map<string, number>()
  /** Users an admin disabled ("Block sign in"): no new tokens, and a CAE critical event. */
  const disabledUsers = new Set<string>()
  const issuedAccessTokens = bounded<IssuedAccessToken>(stateLimits.accessTokens)
  // The tenant's own clock (lockouts, codes, sessions, refresh tokens); tests move it forward.
  let clockOffset = 0
  const now = () => seconds() + clockOffset
  /** Refresh tokens presented again after their first redemption, refused or not. */
  let refreshTokenReuses = 0

  return {
    sessions, interactions, codes, refreshTokens, oneTimeCodes, codesMailed, mailbox, passwordFailures, mfaNotBefore,
    refreshNotBefore, caeNotBefore, disabledUsers, issuedAccessTokens,
    now,
    rememberAccessToken(uti: string, record: IssuedAccessToken) {
      issuedAccessTokens.set(uti, record)
    },
    advanceClock(bySeconds: number) {
      clockOffset += bySeconds
    },
    noteRefreshTokenReuse() {
      refreshTokenReuses += 1
    },
    refreshTokenReuses: () => refreshTokenReuses,
    /** Records a code mailed to the address; false when the address already had `perHour` in the last hour. */
    allowCodeTo(address: string, perHour: number): boolean {
      const recent = (codesMailed.get(address) ?? []).filter((sentAt) => sentAt > now() - hour)
      if (recent.length >= perHour) return false
      codesMailed.set(address, [...recent, now()])
      return true
    },
    newId: () => randomUUID(),
    newSecret: () => randomBytes(32).toString('base64url'),
    newOneTimeCode: () => String(randomInt(0, 1_000_000)).padStart(6, '0'),
    /** Retires a whole refresh token family (strict reuse detection, off by default as in Entra). */
    revokeFamily(familyId: string) {
      const family = [...refreshTokens.entries()].filter(([, record]) => record.familyId === familyId)
      for (const [token] of family) refreshTokens.delete(token)
    },
    reset() {
      for (const store of [sessions, interactions, codes, refreshTokens, oneTimeCodes, codesMailed, passwordFailures, mfaNotBefore, refreshNotBefore, caeNotBefore, disabledUsers, issuedAccessTokens]) store.clear()
      mailbox.length = 0
      clockOffset = 0
      refreshTokenReuses = 0
    },
  }
}

export type TenantState = ReturnType<typeof createTenantState>
