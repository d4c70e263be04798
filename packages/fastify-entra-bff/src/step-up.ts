import type { AuthenticationResult } from '@azure/msal-node'
import type { EntraBffDrafts, FastifyReply, FastifyRequest } from 'fastify'
import { ClaimsChallengeError } from './claims-challenge-error.ts'
import { isHtmx } from './htmx.ts'
import type { Identity } from './identity.ts'
import { bffMetrics } from './metrics.ts'
import type { PendingAuthorization } from './session-data.ts'
import type { SignInFailure } from './types.ts'

// MFA step-up, from the challenge to the user's return, and the CAE challenges that are answered
// without the user. Every step-up decision of the plugin is made here, and every outcome counted
// (bff.step_ups) with what asked for it. The session holds the challenge's claims, scopes and
// return address: step-up never takes claims from a URL.

type Session = FastifyRequest['session']

/** A step-up that came back and was not accepted: its status and why. */
export interface StepUpRefusal { status: 400 | 403; reason: SignInFailure }

/** What a route says when it asks for a step-up: the token it needs, where to come back, what to keep. */
export interface StepUpRequest {
  /** The scopes of the token the challenge was about (default: the challenge's, else the sign-in scopes). */
  scopes?: string[]
  /** Where the user lands after the step-up (default: the plugin's `afterStepUp`). */
  returnTo?: string
  /** What the user typed, kept as drafts (by name) until the route hands them back (`request.draft`). */
  keep?: Partial<EntraBffDrafts>
}

export interface StepUpDeps {
  identity: Pick<Identity, 'authorizationUrl' | 'forget'>
  /** Used when neither the challenge nor the route names scopes. */
  defaultScopes: string[]
  defaultReturnTo: string
  /** The plugin's step-up route, and the app's fragment offering it to htmx (hooks.stepUpFragment). */
  stepUpPath?: string
  fragment?(request: FastifyRequest, reply: FastifyReply, context: { stepUpUrl: string }): unknown
}

export function createStepUp({ identity, defaultScopes, defaultReturnTo, stepUpPath = '/auth/step-up', fragment }: StepUpDeps) {
  const stepUp = {
    /** A challenge that needs the user: its claims, scopes, source and return address wait in the session. */
    challenged(session: Session, challenge: ClaimsChallengeError, request: StepUpRequest = {}) {
      session.stepUpClaims = challenge.claims
      session.stepUpSource = challenge.source
      session.stepUpScopes = request.scopes ?? challenge.scopes ?? defaultScopes
      session.stepUpReturnTo = request.returnTo ?? defaultReturnTo
      if (request.keep) {
        session.drafts = { ...session.drafts, ...request.keep }
        session.draftReturnTo = session.stepUpReturnTo
      }
      bffMetrics.stepUp('challenged', challenge.source)
    },

    /**
     * Asks the user (reply.stepUp): the challenge waits in the session, and htmx gets the 401
     * fragment that offers the step-up, a browser a redirect to the step-up route.
     */
    ask(reply: FastifyReply, challenge: ClaimsChallengeError, request: StepUpRequest = {}): FastifyReply {
      stepUp.challenged(reply.request.session, challenge, request)
      if (!isHtmx(reply.request) || !fragment) return reply.redirect(stepUpPath, 303)
      fragment(reply.request, reply.code(401), { stepUpUrl: stepUpPath })
      return reply
    },

    /**
     * CAE: a resource refused a token older than a revocation. `renew` asks the tenant silently with
     * the resource's claims; after a revocation the tenant refuses, and the user signs in again
     * (SignInRequiredError). So a CAE challenge never becomes a step-up page.
     */
    async renewAfterCae<T>(renew: () => Promise<T>): Promise<T> {
      bffMetrics.stepUp('challenged', 'cae')
      try {
        const renewed = await renew()
        bffMetrics.stepUp('completed', 'cae')
        return renewed
      } catch (error) {
        bffMetrics.stepUp('failed', 'cae')
        throw error
      }
    },

    /** The tenant's authorize URL for the recorded challenge; the pending authorization waits in the session. */
    async begin(session: Session, uiLocales?: string): Promise<string> {
      const source = session.stepUpSource
      bffMetrics.stepUp('started', source)
      const { url, pending } = await identity.authorizationUrl({
        purpose: 'step-up', returnTo: session.stepUpReturnTo ?? defaultReturnTo, scopes: session.stepUpScopes ?? defaultScopes,
        claims: session.stepUpClaims, loginHint: session.user?.account.username, uiLocales,
      })
      session.pendingAuthorization = { ...pending, stepUpSource: source }
      return url
    },

    /** The user cancelled at the tenant: counted; the drafts wait. */
    cancelled(pending: PendingAuthorization) {
      bffMetrics.stepUp('cancelled', pending.stepUpSource)
    },

    /** The code was not redeemed. A new challenge in its place: no second factor counted, and its claims are the next step-up's. */
    notRedeemed(session: Session, pending: PendingAuthorization, error: unknown): StepUpRefusal {
      if (error instanceof ClaimsChallengeError) {
        session.stepUpClaims = error.claims
        bffMetrics.stepUp('refused', pending.stepUpSource)
        return { status: 403, reason: 'still-needs-second-factor' }
      }
      bffMetrics.stepUp('failed', pending.stepUpSource)
      return { status: 400, reason: 'not-completed' }
    },

    /**
     * Accepts only the account that was signed in, with evidence of MFA. Another account ends the
     * session (and drops the token cache the redemption wrote under `cacheKey`).
     */
    async verify(session: Session, pending: PendingAuthorization, result: AuthenticationResult, cacheKey: string): Promise<StepUpRefusal | undefined> {
      const previous = session.user
      if (!previous || result.account?.homeAccountId !== previous.account.homeAccountId) {
        bffMetrics.stepUp('refused', pending.stepUpSource)
        await identity.forget(cacheKey)
        await session.destroy()
        return { status: 403, reason: 'different-account' }
      }
      // MFA evidence without `amr`, which Entra's v2.0 ID tokens do not carry: the redemption
      // asked for the challenged token with the challenge's claims and the tenant issued it, which
      // its Conditional Access (or authentication context) allows only after a second factor.
      // With no stored challenge nothing was asked, so nothing is proven. Where the ID token does
      // list `amr` (v1.0 tokens) it must name "mfa" too. The landing then asks for the token
      // silently, and a tenant still unsatisfied answers with the step-up again.
      const amr = (result.idTokenClaims as { amr?: unknown } | undefined)?.amr
      if (pending.claims === undefined || (Array.isArray(amr) && !amr.includes('mfa'))) {
        bffMetrics.stepUp('refused', pending.stepUpSource)
        return { status: 403, reason: 'no-second-factor' }
      }
      return undefined
    },

    /**
     * Accepted, under the new session id: counted. What it was for stays: a later step-up of this
     * session (the route asked again, or after sign-in again) asks for the same token.
     */
    completed(pending: PendingAuthorization) {
      bffMetrics.stepUp('completed', pending.stepUpSource)
    },
  }
  return stepUp
}

export type StepUp = ReturnType<typeof createStepUp>
