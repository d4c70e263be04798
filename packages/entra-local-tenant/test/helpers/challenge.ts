// Reading a resource's Bearer challenge (RFC 6750 §3): `Bearer name="value", name="value"`.

export interface BearerChallenge { scheme: string; params: Record<string, string> }

/** The first challenge of a WWW-Authenticate header, with its quoted parameters unescaped. */
export function parseChallenge(header: string | string[] | undefined): BearerChallenge {
  const value = [header ?? ''].flat().join(', ')
  const scheme = /^\s*(\S+)/.exec(value)?.[1] ?? ''
  const params: Record<string, string> = {}
  for (const [, name, quoted] of value.matchAll(/([\w-]+)="((?:[^"\\]|\\.)*)"/g)) params[name] = quoted.replace(/\\(.)/g, '$1')
  return { scheme, params }
}

/** The claims JSON of an insufficient_claims challenge (sent base64), or undefined. */
export function claimsFromChallenge(header: string | string[] | undefined): string | undefined {
  const { params } = parseChallenge(header)
  if (params.error !== 'insufficient_claims' || !params.claims) return undefined
  return Buffer.from(params.claims, 'base64').toString('utf8')
}
