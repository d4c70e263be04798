import { existsSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { exportJWK, generateKeyPair, importJWK, calculateJwkThumbprint, type JWK, type CryptoKey } from 'jose'

// RS256 token signing keys, persisted so tokens survive a restart. The first key signs; all
// keys are published in the JWKS, so a rotation never invalidates tokens already issued.

interface StoredKey { kid: string; privateJwk: JWK }

export interface SigningKeys {
  current(): { kid: string; key: CryptoKey }
  jwks(): { keys: JWK[] }
  rotate(): Promise<string>
}

async function newKey(): Promise<StoredKey> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true })
  const privateJwk = await exportJWK(privateKey)
  return { kid: await calculateJwkThumbprint(privateJwk), privateJwk }
}

export async function loadSigningKeys(dataDir: string): Promise<SigningKeys> {
  const file = join(dataDir, 'signing-keys.json')
  let stored: StoredKey[] = existsSync(file) ? JSON.parse(await readFile(file, 'utf8')) : []
  if (stored.length === 0) {
    stored = [await newKey()]
    await writeFile(file, JSON.stringify(stored), { mode: 0o600 })
  }
  let active = { kid: stored[0].kid, key: (await importJWK(stored[0].privateJwk, 'RS256')) as CryptoKey }
  const publicJwk = ({ kid, privateJwk }: StoredKey): JWK => ({ kty: 'RSA', use: 'sig', alg: 'RS256', kid, n: privateJwk.n, e: privateJwk.e })

  return {
    current: () => active,
    jwks: () => ({ keys: stored.map(publicJwk) }),
    async rotate() {
      const added = await newKey()
      stored = [added, ...stored]
      await writeFile(file, JSON.stringify(stored), { mode: 0o600 })
      active = { kid: added.kid, key: (await importJWK(added.privateJwk, 'RS256')) as CryptoKey }
      return added.kid
    },
  }
}
