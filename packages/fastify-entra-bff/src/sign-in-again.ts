import type { FastifyRequest } from 'fastify'
import { safeReturnTo } from './return-to.ts'

// A session the tenant no longer issues tokens for (refresh token revoked or expired, user
// disabled, CAE revocation) is signed out at once and says so, instead of greeting a user who
// can do nothing. What they typed (the drafts) stays for after the next sign-in.

/** Where Sign In should bring the user back: the page of a waiting draft, else the page they were on. */
export function returnToAfterSignIn(request: FastifyRequest, currentUrl: string | undefined, fallback: string): string {
  const { drafts, draftReturnTo } = request.session
  if (draftReturnTo && drafts && Object.values(drafts).some((draft) => draft !== undefined)) return draftReturnTo
  if (!currentUrl) return fallback
  try {
    const url = new URL(currentUrl, 'http://bff.invalid')
    return safeReturnTo(`${url.pathname}${url.search}`, fallback)
  } catch {
    return fallback
  }
}

/**
 * Session keys every new session id takes along: the drafts, what a step-up waiting for the user
 * was for and where it returns (never its claims: those were the old session's), and what the app
 * names (`session.keep`).
 */
export const keptThroughSignIn = (appKeys: readonly string[]) => ['drafts', 'draftReturnTo', 'stepUpScopes', 'stepUpReturnTo', ...appKeys]

/** Drops the user, the token cache and every claim of the session; keeps the drafts and the app's kept keys; new session id. */
export async function endSignedInState(request: FastifyRequest, forgetTokens: (tokenCacheKey: string) => Promise<void>, returnTo: string, keep: string[]) {
  const { tokenCacheKey } = request.session
  if (tokenCacheKey) await forgetTokens(tokenCacheKey)
  await request.session.regenerate(keep)
  request.session.sessionEnded = { returnTo }
}
