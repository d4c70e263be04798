import { asksForNewerToken } from './claims-challenge.ts'
import type { StepUpSource } from './metrics.ts'

// How "the session's token is not enough" is said: the tenant's token endpoint (identity.ts)
// throws this, and so does an app's API client on a resource's 401 claims challenge
// (ClaimsChallengeError.fromResource), with the claims to ask for and what asked. The step-up
// module decides what follows (step-up.ts).

export class ClaimsChallengeError extends Error {
  /** The decoded claims JSON, to be sent with the next token request. */
  readonly claims: string
  readonly source: StepUpSource
  /** The scopes of the token that was refused, when known (the token endpoint's challenge). */
  readonly scopes?: string[]
  constructor(claims: string, source: StepUpSource, scopes?: string[]) {
    super(`claims challenge (${source})`)
    this.name = 'ClaimsChallengeError'
    this.claims = claims
    this.source = source
    this.scopes = scopes
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
