import { existsSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { KeyObject, webcrypto } from 'node:crypto'
import { isIP } from 'node:net'
import { join } from 'node:path'
import * as x509 from '@peculiar/x509'

// The back channel's TLS: a local CA (kept in the data dir, so clients configured to trust it
// keep working across restarts) and a server certificate naming the configured host names.
// @peculiar/x509 builds the certificates: node:crypto can sign but cannot write X.509.

x509.cryptoProvider.set(webcrypto as unknown as Crypto)
const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' }

export interface TlsMaterial {
  caCertificatePem: string
  certificatePem: string
  privateKeyPem: string
}

async function privateKeyPem(key: CryptoKey): Promise<string> {
  return KeyObject.from(key as webcrypto.CryptoKey).export({ type: 'pkcs8', format: 'pem' }) as string
}

async function importPrivateKey(pem: string): Promise<CryptoKey> {
  const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64')
  return (await webcrypto.subtle.importKey('pkcs8', der, algorithm, true, ['sign'])) as unknown as CryptoKey
}

async function createCa(): Promise<{ certificate: x509.X509Certificate; key: CryptoKey }> {
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as unknown as CryptoKeyPair
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    name: 'CN=Local tenant development CA',
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 5 * 365 * 86_400_000),
    keys,
    signingAlgorithm: algorithm,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  })
  return { certificate, key: keys.privateKey }
}

async function createServerCertificate(ca: { certificate: x509.X509Certificate; key: CryptoKey }, hostnames: string[]) {
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as unknown as CryptoKeyPair
  const certificate = await x509.X509CertificateGenerator.create({
    subject: `CN=${hostnames[0]}`,
    issuer: ca.certificate.subject,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 365 * 86_400_000),
    publicKey: keys.publicKey,
    signingKey: ca.key,
    signingAlgorithm: algorithm,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(
        hostnames.map((name) => (isIP(name) ? { type: 'ip' as const, value: name } : { type: 'dns' as const, value: name })),
      ),
      await x509.AuthorityKeyIdentifierExtension.create(ca.certificate),
    ],
  })
  return { certificatePem: certificate.toString('pem'), privateKeyPem: await privateKeyPem(keys.privateKey) }
}

/**
 * Loads the CA from the data dir (creating it once) and issues a fresh server certificate for
 * the host names asked for, so changing LOCAL_TENANT_HOSTNAME needs no manual step.
 */
export async function loadTlsMaterial(dataDir: string, hostnames: string[]): Promise<TlsMaterial> {
  const caCertFile = join(dataDir, 'ca.crt')
  const caKeyFile = join(dataDir, 'ca.key')
  let ca: { certificate: x509.X509Certificate; key: CryptoKey }
  if (existsSync(caCertFile) && existsSync(caKeyFile)) {
    ca = { certificate: new x509.X509Certificate(await readFile(caCertFile, 'utf8')), key: await importPrivateKey(await readFile(caKeyFile, 'utf8')) }
  } else {
    ca = await createCa()
    await writeFile(caKeyFile, await privateKeyPem(ca.key), { mode: 0o600 })
    await writeFile(caCertFile, ca.certificate.toString('pem'))
  }
  const server = await createServerCertificate(ca, hostnames)
  return { caCertificatePem: ca.certificate.toString('pem'), ...server }
}
