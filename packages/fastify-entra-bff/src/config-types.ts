// The tenant, the credential and the session as the plugin's modules take them: plain data,
// imported by the options (types.ts) and the stores alike.

/** How a confidential client proves itself: a secret, or a certificate (private_key_jwt). */
export type ClientCredential =
  | { kind: 'secret'; clientSecret: string }
  | { kind: 'certificate'; privateKeyPem: string; thumbprintSha256: string }

export interface TenantEndpoints {
  /** e.g. https://contoso.ciamlogin.com/{tenantId} or https://localhost:3101/{tenantId} */
  authority: string
  /** Host (and port) msal trusts without instance discovery, e.g. 'localhost:3101'. */
  knownAuthority: string
  /** PEM CAs trusted in addition to the system roots (the local tenant's CA). */
  extraCaPem: string[]
}

/** The session options with their defaults applied (options.ts). */
export interface SessionSettings {
  secrets: string[]
  secureCookie: boolean
  idleTimeoutMs: number
  absoluteTimeoutMs: number
  now?: () => number
}
