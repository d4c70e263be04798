import type { FastifyReply, FastifyRequest } from 'fastify'
import { isHtmx, navigate } from './htmx.ts'
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

export interface SignInAgainDeps {
  forgetTokens(tokenCacheKey: string): Promise<void>
  /** Session keys the new session id takes along (keptThroughSignIn). */
  kept: string[]
  /** Where a page goes, and where Sign In returns when nothing else says. */
  signedOutLanding: string
  signInUrl(returnTo: string): string
  /** The app's fragment for htmx (hooks.signInAgainFragment). */
  fragment(request: FastifyRequest, reply: FastifyReply, context: { signInUrl: string; returnTo: string }): unknown
}

/**
 * reply.signInAgain: signs the session out (drafts kept), then htmx goes straight to sign-in
 * (HX-Redirect; the fragment is for a client that ignores it) and a page to the signed-out
 * landing, which may say why (session.sessionEnded) and offer Sign In back to where the user was.
 */
export function createSignInAgain({ forgetTokens, kept, signedOutLanding, signInUrl, fragment }: SignInAgainDeps) {
  return async function signInAgain(reply: FastifyReply, reason: string): Promise<FastifyReply> {
    const { request } = reply
    request.log.info({ reason }, 'session needs a new sign-in: signed out')
    const current = isHtmx(request) ? String(request.headers['hx-current-url'] ?? '') : request.method === 'GET' ? request.url : undefined
    const returnTo = returnToAfterSignIn(request, current || undefined, signedOutLanding)
    await endSignedInState(request, forgetTokens, returnTo, kept)
    if (!isHtmx(request)) return navigate(request, reply, signedOutLanding)
    const url = signInUrl(returnTo)
    fragment(request, reply.code(401).header('HX-Redirect', url), { signInUrl: url, returnTo })
    return reply
  }
}
