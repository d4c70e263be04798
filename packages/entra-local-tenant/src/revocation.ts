import type { TenantState } from './state.ts'

// An admin's "Revoke sessions" (or a password reset, a disabled user): the critical event
// Continuous Access Evaluation reacts to. Refresh tokens issued before it answer AADSTS50173, the
// user's browser sessions end, and access tokens of CAE-capable clients (`xms_cc` with `cp1`)
// issued before it are refused by Graph and by on-behalf-of with a claims challenge naming the
// revocation time (`nbf`), as Entra does; tokens of other clients live on until they expire.

/**
 * Token times are whole seconds: a cut-off is the next second, reached before returning, so
 * everything before the call is on one side and everything after on the other.
 */
export async function nextSecond(): Promise<number> {
  const next = Math.floor(Date.now() / 1000) + 1
  // A timer can fire before the wall clock gets there: libuv counts from the loop's cached time,
  // which is stale after long synchronous work (a busy machine). Wait until Date.now() agrees.
  while (Date.now() < next * 1000) await new Promise((resolve) => setTimeout(resolve, next * 1000 - Date.now()))
  return next
}

export function revokeUserSessions(state: TenantState, userId: string, atSeconds: number) {
  state.refreshNotBefore.set(userId, state.now())
  state.caeNotBefore.set(userId, atSeconds)
  const ofUser = [...state.sessions.entries()].filter(([, session]) => session.userId === userId)
  for (const [cookie] of ofUser) state.sessions.delete(cookie)
}

/** Entra's CAE challenge after a revocation: a token issued at or after `nbf` is wanted. */
export function revocationClaims(state: TenantState, userId: string, token: { iat?: number; xms_cc?: unknown }): string | undefined {
  const revokedAt = state.caeNotBefore.get(userId)
  const capable = Array.isArray(token.xms_cc) && token.xms_cc.includes('cp1')
  if (!capable || revokedAt === undefined || (token.iat ?? 0) >= revokedAt) return undefined
  return JSON.stringify({ access_token: { nbf: { essential: true, value: String(revokedAt) } } })
}

/** An admin's "Block sign in": refresh tokens are refused (AADSTS50057), and a CAE critical event. */
export function blockSignIn(state: TenantState, userId: string, atSeconds: number) {
  state.disabledUsers.add(userId)
  state.caeNotBefore.set(userId, atSeconds)
}
