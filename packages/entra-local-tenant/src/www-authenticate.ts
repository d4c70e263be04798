// A resource's claims challenge (Microsoft's pattern for Conditional Access, authentication
// contexts and CAE): `WWW-Authenticate: Bearer error="insufficient_claims", claims="<base64 JSON>"`.

function quote(value: string): string {
  return `"${value.replace(/["\\]/g, '\\$&')}"`
}

/** The header value of a 401 insufficient_claims challenge carrying claims (a JSON string, sent base64). */
export function insufficientClaimsHeader(claimsJson: string, extra: Record<string, string> = {}): string {
  const params = { realm: '', ...extra, error: 'insufficient_claims', claims: Buffer.from(claimsJson, 'utf8').toString('base64') }
  return `Bearer ${Object.entries(params).map(([name, value]) => `${name}=${quote(value)}`).join(', ')}`
}
