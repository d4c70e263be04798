import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { loadTlsMaterial } from './certificates.ts'

// `node packages/entra-local-tenant/src/proxy-certificate.ts OUT_DIR HOSTNAME...` (compose.yaml's one-shot
// proxy-certificate service): tls.crt and tls.key for the demo's TLS-terminating proxy, issued by
// the local tenant's development CA in LOCAL_TENANT_DATA_DIR. Trusting that one CA (ca.crt)
// covers the demo's https://localhost and the tenant's back channel. Never for production.

export async function writeProxyCertificate(dataDir: string, outDir: string, hostnames: string[]): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 })
  await mkdir(outDir, { recursive: true, mode: 0o700 })
  const tls = await loadTlsMaterial(dataDir, hostnames)
  await writeFile(join(outDir, 'tls.key'), tls.privateKeyPem, { mode: 0o600 })
  await writeFile(join(outDir, 'tls.crt'), tls.certificatePem)
}

if (import.meta.main) {
  const [outDir, ...hostnames] = process.argv.slice(2)
  if (!outDir || hostnames.length === 0) {
    process.stderr.write('usage: node packages/entra-local-tenant/src/proxy-certificate.ts OUT_DIR HOSTNAME...\n')
    process.exitCode = 2
  } else {
    try {
      await writeProxyCertificate(process.env.LOCAL_TENANT_DATA_DIR || '.data/local-tenant', outDir, hostnames)
      process.stdout.write(`Wrote ${join(outDir, 'tls.crt')} and tls.key for ${hostnames.join(', ')}\n`)
    } catch (error) {
      process.stderr.write(`${(error as Error).message}\n`)
      process.exitCode = 1
    }
  }
}
