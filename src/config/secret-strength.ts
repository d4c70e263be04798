// Secrets set by people: long is not enough ("a" × 32 and "changeme" × 4 are long). A value must
// not be one short pattern repeated and must use enough distinct characters (or bytes, for keys)
// that it was plausibly generated. The thresholds sit far below what a generator gives: 32
// random base64 characters use about 24 distinct ones, 32 random bytes about 30 distinct values.

const minDistinctCharacters = 10
const minDistinctKeyBytes = 16

function isRepeatedPattern(text: string): boolean {
  return (text + text).indexOf(text, 1) < text.length
}

function weak(variable: string, index: number, count: number, reason: string, generate: string): Error {
  const which = count > 1 ? `entry ${index + 1} of ${variable}` : variable
  return new Error(`Invalid configuration: ${which} is too weak (${reason}). Generate one with: ${generate}`)
}

/** SESSION_SECRETS, comma-separated, each checked. */
export function strongSessionSecrets(value: string): string[] {
  const secrets = value.split(',')
  secrets.forEach((secret, index) => {
    const generate = 'openssl rand -base64 32'
    if (isRepeatedPattern(secret)) throw weak('SESSION_SECRETS', index, secrets.length, 'a short pattern repeated', generate)
    if (new Set(secret).size < minDistinctCharacters) {
      throw weak('SESSION_SECRETS', index, secrets.length, `fewer than ${minDistinctCharacters} different characters`, generate)
    }
  })
  return secrets
}

/** TOKEN_CACHE_KEYS, comma-separated base64 AES-256 keys, each checked as bytes. */
export function strongTokenCacheKeys(value: string): string[] {
  const keys = value.split(',')
  keys.forEach((key, index) => {
    const bytes = Buffer.from(key, 'base64')
    const generate = 'openssl rand -base64 32'
    if (isRepeatedPattern(bytes.toString('latin1'))) throw weak('TOKEN_CACHE_KEYS', index, keys.length, 'a short byte pattern repeated', generate)
    if (new Set(bytes).size < minDistinctKeyBytes) {
      throw weak('TOKEN_CACHE_KEYS', index, keys.length, `fewer than ${minDistinctKeyBytes} different byte values`, generate)
    }
  })
  return keys
}
