import type { AuthenticationResult } from '@azure/msal-node'
import type { FastifyRequest } from 'fastify'
import { ClaimsChallengeError } from './claims-challenge-error.ts'
import type { MessageId } from '../../../src/bff/i18n/messages-en.ts'
import type { Identity } from './identity.ts'
import { bffMetrics } from './metrics.ts'
import type { PendingAuthorization } from './session-data.ts'

// MFA step-up, from the challenge to the user's return, and the CAE challenges that are answered
// without the user. The routes call only this; every outcome is counted here (bff.step_ups) with
// what asked for it. The session holds the challenge's claims: step-up never takes claims from a URL.

type Session = FastifyRequest['session']

/** A step-up that came back and was not accepted: what the user is answered. */
export interface StepUpRefusal { status: 400 | 403; messageId: MessageId }

export interface StepUpDeps {
  identity: Pick<Identity, 'authorizationUrl' | 'forget'>
  /** The edit profile service's scope: the token the step-up is for. */
  serviceScopes: string[]
}

/** Where the user lands after a step-up: the editor, with the draft restored. */
const afterStepUp = '/profile?edit=1'

export function createStepUp({ identity, serviceScopes }: StepUpDeps) {
  return {
    /** A challenge that needs the user: its claims and source wait in the session, with what they typed. */
    challenged(session: Session, challenge: ClaimsChallengeError, draft?: Session['draft']) {
      session.stepUpClaims = challenge.claims
      session.stepUpSource = challenge.source
      if (draft) session.draft = draft
      bffMetrics.stepUp('challenged', challenge.source)
    },

    /**
     * CAE: a resource refused a token older than a revocation. `renew` asks the tenant silently with
     * the resource's claims; after a revocation the tenant refuses, and the user signs in again
     * (SignInRequiredError, the error handler). So a CAE challenge never becomes a step-up page.
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
        purpose: 'step-up', returnTo: afterStepUp, scopes: serviceScopes, claims: session.stepUpClaims, loginHint: session.user?.account.username, uiLocales,
      })
      session.pendingAuthorization = { ...pending, stepUpSource: source }
      return url
    },

    /** The user cancelled at the tenant: the profile says so, the draft waits. */
    cancelled(session: Session, pending: PendingAuthorization) {
      bffMetrics.stepUp('cancelled', pending.stepUpSource)
      session.notice = 'notice.stepUpCancelled'
    },

    /** The code was not redeemed. A new challenge in its place: no second factor counted, and its claims are the next step-up's. */
    notRedeemed(session: Session, pending: PendingAuthorization, error: unknown): StepUpRefusal {
      if (error instanceof ClaimsChallengeError) {
        session.stepUpClaims = error.claims
        bffMetrics.stepUp('refused', pending.stepUpSource)
        return { status: 403, messageId: 'signIn.stillNeedsSecondFactor' }
      }
      bffMetrics.stepUp('failed', pending.stepUpSource)
      return { status: 400, messageId: 'signIn.notCompleted' }
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
        return { status: 403, messageId: 'signIn.differentAccount' }
      }
      // MFA evidence without `amr`, which Entra's v2.0 ID tokens do not carry: the redemption
      // asked for the service token with the challenge's claims and the tenant issued it, which
      // its Conditional Access (or authentication context) allows only after a second factor.
      // With no stored challenge nothing was asked, so nothing is proven. Where the ID token does
      // list `amr` (v1.0 tokens) it must name "mfa" too. The landing then asks for the service
      // token silently, and a tenant still unsatisfied answers with the step-up again.
      const amr = (result.idTokenClaims as { amr?: unknown } | undefined)?.amr
      if (pending.claims === undefined || (Array.isArray(amr) && !amr.includes('mfa'))) {
        bffMetrics.stepUp('refused', pending.stepUpSource)
        return { status: 403, messageId: 'signIn.noSecondFactor' }
      }
      return undefined
    },

    /** Accepted, under the new session id: counted, and the profile says it was verified. */
    completed(session: Session, pending: PendingAuthorization) {
      bffMetrics.stepUp('completed', pending.stepUpSource)
      session.notice = 'notice.verified'
    },
  }
}

export type StepUp = ReturnType<typeof createStepUp>
