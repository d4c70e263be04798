import { parseWwwAuthenticate, type AuthChallenge } from './www-authenticate.ts'

// Claims challenges (Microsoft's pattern for Conditional Access and authentication contexts):
// 401 with `WWW-Authenticate: Bearer error="insufficient_claims", claims="<base64 JSON>"`.

/** The decoded claims JSON string of an insufficient_claims Bearer challenge, or undefined. */
export function claimsFromChallenge(header: string | string[] | undefined): string | undefined {
  const challenge = parseWwwAuthenticate(header).find(
    ({ scheme, params }) => scheme.toLowerCase() === 'bearer' && params.error === 'insufficient_claims' && params.claims,
  )
  if (!challenge) return undefined
  const decoded = Buffer.from(challenge.params.claims, 'base64').toString('utf8')
  try {
    JSON.parse(decoded)
    return decoded
  } catch {
    return undefined
  }
}

/** A 401 insufficient_claims challenge carrying claims (raw JSON string, sent base64). */
export function insufficientClaimsChallenge(claimsJson: string, extra: Record<string, string> = {}): AuthChallenge {
  return {
    scheme: 'Bearer',
    params: { realm: '', ...extra, error: 'insufficient_claims', claims: Buffer.from(claimsJson, 'utf8').toString('base64') },
  }
}

/**
 * CAE's challenge after a critical event (revocation, disabled user): `access_token.nbf` asks for
 * a token issued after it. A silent token request with these claims answers it, or tells the
 * client that the user must sign in again; an MFA or auth-context challenge needs the user.
 */
export function asksForNewerToken(claimsJson: string): boolean {
  try {
    const claims = JSON.parse(claimsJson) as { access_token?: { nbf?: unknown } }
    return typeof claims?.access_token?.nbf === 'object' && claims.access_token.nbf !== null
  } catch {
    return false
  }
}
