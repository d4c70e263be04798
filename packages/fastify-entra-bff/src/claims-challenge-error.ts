import { asksForNewerToken } from './claims-challenge.ts'
import type { StepUpSource } from './metrics.ts'

// How the BFF's clients say "the session's token is not enough": the tenant's token endpoint
// (identity.ts) and the edit profile service (edit-profile-client.ts) both throw this, with the
// claims to ask for and what asked. The step-up module decides what follows (step-up.ts).

export class ClaimsChallengeError extends Error {
  /** The decoded claims JSON, to be sent with the next token request. */
  readonly claims: string
  readonly source: StepUpSource
  constructor(claims: string, source: StepUpSource) {
    super(`claims challenge (${source})`)
    this.name = 'ClaimsChallengeError'
    this.claims = claims
    this.source = source
  }

  /** A resource's 401 claims challenge: CAE when it asks for a token newer than a revocation, else a demand for more authentication. */
  static fromResource(claims: string): ClaimsChallengeError {
    return new ClaimsChallengeError(claims, asksForNewerToken(claims) ? 'cae' : 'api-claims-challenge')
  }

  /** CAE is answered by a newer token, asked for silently; every other challenge needs the user (step-up). */
  get needsUser(): boolean {
    return this.source !== 'cae'
  }
}
