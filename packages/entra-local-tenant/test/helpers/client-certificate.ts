import { createHash, KeyObject, webcrypto } from 'node:crypto'
import * as x509 from '@peculiar/x509'

/** A self-signed RSA certificate for an app's certificate credential (private_key_jwt). */
export async function clientCertificate() {
  x509.cryptoProvider.set(webcrypto as unknown as Crypto)
  const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 }
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as unknown as CryptoKeyPair
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({ name: 'CN=edit-profile-web-app', keys, signingAlgorithm: algorithm })
  const privateKeyPem = KeyObject.from(keys.privateKey as webcrypto.CryptoKey).export({ type: 'pkcs8', format: 'pem' }) as string
  const certificatePem = certificate.toString('pem')
  const thumbprintSha256 = createHash('sha256').update(Buffer.from(certificate.rawData)).digest('hex')
  return { privateKeyPem, certificatePem, thumbprintSha256 }
}
