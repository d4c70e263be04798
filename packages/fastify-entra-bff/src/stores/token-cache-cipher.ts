import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto'
import { deflateRawSync, inflateRawSync } from 'node:zlib'

/**
 * AES-256-GCM for token caches at rest. The first key encrypts; every key decrypts, so a key can
 * rotate: prepend the new one, keep the old until every session it sealed has expired.
 * The session id is authenticated data: a sealed cache cannot be moved to another session.
 * v2 deflates the cache before sealing (a session in Redis: 11.2 → under 8 KB, issue 18); v1
 * values, sealed uncompressed, still open, and are rewritten as v2 on the next cache change.
 */
export interface TokenCacheCipher {
  seal(plaintext: string, sessionId: string): string
  open(sealed: string, sessionId: string): string
}

const version = 'v2'
/** A token cache is a few KB; anything inflating past this is not one. */
const maxCacheBytes = 1024 * 1024

function keyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8)
}

export function createTokenCacheCipher(base64Keys: string[]): TokenCacheCipher {
  if (base64Keys.length === 0) throw new Error('token cache encryption needs at least one key')
  const keys = base64Keys.map((encoded) => {
    const key = Buffer.from(encoded, 'base64')
    if (key.length !== 32) throw new Error('token cache keys must be 32 bytes, base64-encoded')
    return { id: keyId(key), key }
  })
  const byId = new Map(keys.map((entry) => [entry.id, entry.key]))
  const current = keys[0]

  return {
    seal(plaintext, sessionId) {
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', current.key, iv)
      // The version is authenticated too: a v2 value relabelled v1 does not open.
      cipher.setAAD(Buffer.from(`${version}:${sessionId}`))
      const ciphertext = Buffer.concat([cipher.update(deflateRawSync(plaintext)), cipher.final()])
      return [version, current.id, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ciphertext.toString('base64url')].join('.')
    },
    open(sealed, sessionId) {
      const [sealedVersion, id, iv, tag, ciphertext] = sealed.split('.')
      const key = byId.get(id)
      const compressed = sealedVersion === 'v2'
      if ((!compressed && sealedVersion !== 'v1') || !key || !iv || !tag || ciphertext === undefined) {
        throw new Error('token cache was sealed with an unknown key or format')
      }
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'))
      decipher.setAAD(Buffer.from(compressed ? `${sealedVersion}:${sessionId}` : sessionId))
      decipher.setAuthTag(Buffer.from(tag, 'base64url'))
      const opened = Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()])
      return (compressed ? inflateRawSync(opened, { maxOutputLength: maxCacheBytes }) : opened).toString('utf8')
    },
  }
}
