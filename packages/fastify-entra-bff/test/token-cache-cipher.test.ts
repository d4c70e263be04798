import { createCipheriv, createHash, randomBytes } from 'node:crypto'
import t from 'tap'
import { createTokenCacheCipher } from '../src/stores/token-cache-cipher.ts'

const newKey = () => randomBytes(32).toString('base64')
const cache = JSON.stringify({ RefreshToken: { 'rt-key': { secret: 'refresh-token-value' } } })

t.test('a sealed cache opens to the same text and does not contain it', async (t) => {
  const cipher = createTokenCacheCipher([newKey()])
  const sealed = cipher.seal(cache, 'session-1')
  t.notMatch(sealed, /refresh-token-value/)
  t.equal(cipher.open(sealed, 'session-1'), cache)
})

t.test('sealing twice gives different ciphertexts', async (t) => {
  const cipher = createTokenCacheCipher([newKey()])
  t.not(cipher.seal(cache, 's'), cipher.seal(cache, 's'))
})

t.test('a cache sealed for one session does not open for another', async (t) => {
  const cipher = createTokenCacheCipher([newKey()])
  t.throws(() => cipher.open(cipher.seal(cache, 'session-1'), 'session-2'), /unable to authenticate|auth/i)
})

t.test('a tampered cache is rejected', async (t) => {
  const cipher = createTokenCacheCipher([newKey()])
  const parts = cipher.seal(cache, 's').split('.')
  const body = Buffer.from(parts[4], 'base64url')
  body[0] ^= 1
  parts[4] = body.toString('base64url')
  t.throws(() => cipher.open(parts.join('.'), 's'))
})

t.test('after rotation, caches sealed with the old key still open and new ones use the new key', async (t) => {
  const oldKey = newKey()
  const before = createTokenCacheCipher([oldKey]).seal(cache, 's')
  const rotated = createTokenCacheCipher([newKey(), oldKey])
  t.equal(rotated.open(before, 's'), cache)
  const after = rotated.seal(cache, 's')
  t.throws(() => createTokenCacheCipher([oldKey]).open(after, 's'), /unknown key/)
})

t.test('keys must be 32 bytes and at least one is required', async (t) => {
  t.throws(() => createTokenCacheCipher([]), /at least one key/)
  t.throws(() => createTokenCacheCipher([randomBytes(16).toString('base64')]), /32 bytes/)
})

t.test('a cache sealed uncompressed (v1, before compression) still opens', async (t) => {
  const key = newKey()
  // v1 as it was sealed before: the plain text under AES-256-GCM with the session id as AAD.
  const raw = Buffer.from(key, 'base64')
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', raw, iv)
  cipher.setAAD(Buffer.from('s'))
  const body = Buffer.concat([cipher.update(cache, 'utf8'), cipher.final()])
  const v1 = ['v1', createHash('sha256').update(raw).digest('hex').slice(0, 8), iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.')
  t.equal(createTokenCacheCipher([key]).open(v1, 's'), cache)
})

t.test('a sealed cache is compressed: a repetitive cache seals smaller than its text', async (t) => {
  const cipher = createTokenCacheCipher([newKey()])
  const large = JSON.stringify({ AccessToken: Object.fromEntries(Array.from({ length: 20 }, (_, index) => [`key-${index}`, { secret: 'eyJhbGciOiJSUzI1NiJ9.same-claims', target: 'user.read' }])) })
  t.ok(cipher.seal(large, 's').length < large.length / 2)
  t.equal(cipher.open(cipher.seal(large, 's'), 's'), large)
})

t.test('a v2 cache relabelled v1 does not open', async (t) => {
  const cipher = createTokenCacheCipher([newKey()])
  const relabelled = cipher.seal(cache, 's').replace(/^v2\./, 'v1.')
  t.throws(() => cipher.open(relabelled, 's'))
})
