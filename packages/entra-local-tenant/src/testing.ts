import type { TenantContext } from './context.ts'
import type { MailboxEntry } from './state.ts'
import { blockSignIn, nextSecond, revokeUserSessions } from './revocation.ts'

// Test-only operations, on only when the tenant is started with `testApi` (in-process) or
// `testControl` (the same operations over HTTP, test-control.ts).

export interface TenantTesting {
  registerRedirectUris(clientId: string, uris: { redirectUris?: string[]; postLogoutRedirectUris?: string[]; frontChannelLogoutUrl?: string }): void
  /** A PEM certificate the app may sign client assertions with (private_key_jwt). */
  registerCertificate(clientId: string, certificatePem: string): void
  /** The last one-time code mailed to the address (MFA or sign-up). */
  lastCode(email: string): string | undefined
  /** MFA done so far no longer satisfies Conditional Access or authentication contexts. */
  makeMfaStale(email: string): Promise<void>
  /**
   * As an admin's "revoke sessions": the user's refresh tokens issued until now answer AADSTS50173,
   * browser sessions end, and (CAE) Graph and on-behalf-of answer tokens of `cp1` clients issued
   * until now with an `insufficient_claims` challenge.
   */
  revokeSessions(email: string): Promise<void>
  /** As an admin's "Block sign in": refresh tokens answer AADSTS50057, and CAE-capable tokens get a claims challenge. */
  disableUser(email: string): Promise<void>
  /** As an admin's password reset: the new password signs in, the old does not, and the user's sessions are revoked (a CAE critical event). */
  resetPassword(email: string, newPassword: string): Promise<void>
  /** Every one-time code the tenant mailed, newest first (what the /mailbox page shows). */
  mailbox(): MailboxEntry[]
  rotateSigningKey(): Promise<string>
  /** Moves the tenant's clock (lockouts, one-time codes, interactions, refresh tokens) forward; tokens keep real iat/exp, which its Graph and on-behalf-of judge by this clock. */
  advanceClock(seconds: number): void
  reset(): Promise<void>
  /** How many entries each of the tenant's request-grown maps holds now (the bounded-state test reads them). */
  stateSizes(): Record<'sessions' | 'interactions' | 'codes' | 'refreshTokens' | 'oneTimeCodes', number>
  /**
   * How many times a refresh token was presented again after its first redemption (refused with
   * AADSTS70043 under strictRefreshTokenReuseDetection, redeemed otherwise, as Entra does).
   */
  refreshTokenReuses(): number
}

export function createTenantTesting(context: TenantContext, reseed: () => void): TenantTesting {
  const guard = () => {
    if (!context.config.testApi && !context.config.testControl) throw new Error('the local tenant test API is off (start it with testApi: true)')
  }
  const userId = (email: string) => {
    const user = context.directory.byEmail(email)
    if (!user) throw new Error(`no user ${email}`)
    return user.id
  }
  return {
    registerRedirectUris(clientId, uris) {
      guard()
      const registration = context.app(clientId)
      if (!registration) throw new Error(`no app ${clientId}`)
      registration.redirectUris.push(...(uris.redirectUris ?? []))
      registration.postLogoutRedirectUris.push(...(uris.postLogoutRedirectUris ?? []))
      if (uris.frontChannelLogoutUrl) registration.frontChannelLogoutUrl = uris.frontChannelLogoutUrl
    },
    registerCertificate(clientId, certificatePem) {
      guard()
      context.clientCertificates.set(clientId, [...(context.clientCertificates.get(clientId) ?? []), certificatePem])
    },
    lastCode(email) {
      guard()
      return context.state.mailbox.find((message) => message.to === email.toLowerCase())?.code
    },
    async makeMfaStale(email) {
      guard()
      context.state.mfaNotBefore.set(userId(email), await nextSecond())
    },
    async revokeSessions(email) {
      guard()
      revokeUserSessions(context.state, userId(email), await nextSecond())
    },
    async disableUser(email) {
      guard()
      blockSignIn(context.state, userId(email), await nextSecond())
    },
    async resetPassword(email, newPassword) {
      guard()
      const id = userId(email)
      context.directory.setPassword(id, newPassword)
      revokeUserSessions(context.state, id, await nextSecond())
    },
    mailbox() {
      guard()
      return context.state.mailbox.map((message) => ({ ...message }))
    },
    async rotateSigningKey() {
      guard()
      return context.keys.rotate()
    },
    advanceClock(seconds) {
      guard()
      context.state.advanceClock(seconds)
    },
    async reset() {
      guard()
      context.state.reset()
      reseed()
    },
    stateSizes() {
      guard()
      const { sessions, interactions, codes, refreshTokens, oneTimeCodes } = context.state
      return { sessions: sessions.size, interactions: interactions.size, codes: codes.size, refreshTokens: refreshTokens.size, oneTimeCodes: oneTimeCodes.size }
    },
    refreshTokenReuses() {
      guard()
      return context.state.refreshTokenReuses()
    },
  }
}
