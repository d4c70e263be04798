import { randomBytes } from 'node:crypto'
import { createClient } from 'redis'
import { createTokenCacheCipher } from '../packages/fastify-entra-bff/src/stores/token-cache-cipher.ts'

// What one session takes in Redis: the session JSON and its token cache sealed with the
// BFF's own cipher (as it is kept at rest), written under throwaway keys and weighed by Redis.

export async function redisFootprint(redisUrl: string, session: { sessionJson: string; tokenCacheJson: string }): Promise<{ sessionBytes: number; tokenCacheBytes: number } | { unavailable: string }> {
  const client = createClient({ url: redisUrl, socket: { reconnectStrategy: false, connectTimeout: 2_000 } })
  client.on('error', () => {})
  try {
    await client.connect()
  } catch {
    return { unavailable: `no Redis at ${redisUrl}` }
  }
  const prefix = `bench:${process.pid}:${randomBytes(6).toString('hex')}:`
  const sessionId = randomBytes(24).toString('base64url')
  const cipher = createTokenCacheCipher([randomBytes(32).toString('base64')])
  try {
    await client.set(`${prefix}sess:${sessionId}`, session.sessionJson)
    await client.set(`${prefix}tokens:${sessionId}`, cipher.seal(session.tokenCacheJson, sessionId))
    const sessionBytes = await client.memoryUsage(`${prefix}sess:${sessionId}`)
    const tokenCacheBytes = await client.memoryUsage(`${prefix}tokens:${sessionId}`)
    return { sessionBytes: sessionBytes ?? 0, tokenCacheBytes: tokenCacheBytes ?? 0 }
  } finally {
    await client.del([`${prefix}sess:${sessionId}`, `${prefix}tokens:${sessionId}`])
    await client.close()
  }
}
