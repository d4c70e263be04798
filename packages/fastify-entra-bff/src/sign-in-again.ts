import type { FastifyRequest } from 'fastify'
import { safeReturnTo } from './return-to.ts'

// A session the tenant no longer issues tokens for (refresh token revoked or expired, user
// disabled, CAE revocation) is signed out at once and says so, instead of greeting a user who
// can do nothing. What they typed stays for after the next sign-in.

/** Where Sign In should bring the user back: the editor when a draft waits, else the page they were on. */
export function returnToAfterSignIn(request: FastifyRequest, currentUrl: string | undefined): string {
  if (request.session.draft) return '/profile?edit=1'
  if (!currentUrl) return '/profile'
  try {
    const url = new URL(currentUrl, 'http://bff.invalid')
    return safeReturnTo(`${url.pathname}${url.search}`, '/profile')
  } catch {
    return '/profile'
  }
}

/** Drops the user, the token cache and every claim of the session; keeps the draft and the language; new session id. */
export async function endSignedInState(request: FastifyRequest, forgetTokens: (tokenCacheKey: string) => Promise<void>, returnTo: string) {
  const { tokenCacheKey } = request.session
  if (tokenCacheKey) await forgetTokens(tokenCacheKey)
  await request.session.regenerate(['draft', 'editorBase', 'language'])
  request.session.sessionEnded = { returnTo }
}
