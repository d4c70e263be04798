import { parseClaimsRequest } from './claims-request.ts'
import type { TenantFile } from './tenant-file.ts'

// Conditional Access and authentication contexts: which requests need MFA, and the `claims`
// challenge that tells the client what to ask for, as Entra sends it.

/** How the user proved who they are, carried by tenant sessions, refresh tokens and assertions. */
export interface AuthEvidence {
  amr: string[]
  /** When MFA was last done (epoch seconds). */
  mfaAt?: number
  /** An emailed one-time passcode was part of the sign-in (refresh tokens then live 24 hours). */
  emailOtp?: boolean
}

export interface AccessDecision {
  /** Claims challenge (raw JSON) when the request needs MFA first. */
  challenge?: string
  /** Authentication contexts satisfied for this token (emitted as `acrs`). */
  acrs: string[]
}

export function createConditionalAccess(tenant: TenantFile, mfaNotBefore: (userId: string) => number) {
  const mfaIsFresh = (userId: string, evidence: AuthEvidence) =>
    evidence.amr.includes('mfa') && evidence.mfaAt !== undefined && evidence.mfaAt >= mfaNotBefore(userId)

  return {
    mfaIsFresh,
    /** Decides a token request for `resourceAppId` by this user with this evidence; throws ClaimsRequestError for malformed claims. */
    decide(userId: string, resourceAppId: string, evidence: AuthEvidence, claimsParam?: string): AccessDecision {
      const { contexts, policyIds } = parseClaimsRequest(claimsParam, tenant)
      const fresh = mfaIsFresh(userId, evidence)
      if (!fresh && contexts.length > 0) {
        return { challenge: JSON.stringify({ access_token: { acrs: { essential: true, value: contexts[0] } } }), acrs: [] }
      }
      const policies = tenant.policies.filter((policy) => policy.state === 'enabled' && policy.targetAppIds.includes(resourceAppId))
      if (!fresh && (policies.length > 0 || policyIds.length > 0)) {
        const values = policies.length > 0 ? policies.map((policy) => policy.id) : policyIds
        return { challenge: JSON.stringify({ access_token: { capolids: { essential: true, values } } }), acrs: [] }
      }
      return { acrs: fresh ? contexts : [] }
    },
  }
}

export type ConditionalAccess = ReturnType<typeof createConditionalAccess>
