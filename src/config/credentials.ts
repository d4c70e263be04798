import { readFileSync } from 'node:fs'
import type { ClientCredential } from './types.ts'

/** An app's credential from its env vars: a client secret, or a certificate key file + thumbprint. */
export function clientCredential(app: string, secret?: string, keyFile?: string, thumbprint?: string): ClientCredential {
  if (secret && keyFile) throw new Error(`Invalid configuration: ${app} has both a client secret and a certificate; set one`)
  if (secret) return { kind: 'secret', clientSecret: secret }
  if (keyFile && thumbprint) {
    return { kind: 'certificate', privateKeyPem: readFileSync(keyFile, 'utf8'), thumbprintSha256: thumbprint.toLowerCase() }
  }
  if (keyFile) throw new Error(`Invalid configuration: ${app} certificate needs its SHA-256 thumbprint too`)
  throw new Error(`Invalid configuration: ${app} needs a client secret or a certificate`)
}
