import type { Session } from 'fastify'
import type { SessionStore } from '@fastify/session'
import { RedisStore } from 'connect-redis'
import type { FastifyBaseLogger } from 'fastify'
import type { BffSessionConfig } from '../config/types.ts'
import { createRedisClient, redisIsReady } from '../lib/redis-client.ts'
import { createRedisLock, LockTimeoutError } from '../lib/redis-lock.ts'
import { createTokenCacheCipher } from '../lib/token-cache-cipher.ts'
import type { BffStores } from './app.ts'
import { redisRateLimitStore } from './rate-limit-store.ts'
import type { TokenCacheStore } from './token-cache-store.ts'

// Sessions, token caches and per-session locks in Redis, so any replica serves any request.
// Token caches are sealed with AES-256-GCM (key ring from config) before they leave the process.
// When Redis is down, every store call fails fast with a 503 (users see a clear page or
// fragment, never a stack) and the client reconnects by itself.

class StoreUnavailableError extends Error {
  statusCode = 503
  code = 'STORE_UNAVAILABLE'
  constructor(cause: unknown) {
    super(`the session store is unavailable: ${(cause as Error)?.message ?? cause}`, { cause })
  }
}

type Callback = (error?: unknown, value?: unknown) => void

/** The session's TTL in seconds: its idle timeout, but never past its absolute lifetime. */
function sessionTtlSeconds(config: BffSessionConfig) {
  return (session: Session & { cookie?: { expires?: Date | string | null } }) => {
    const idle = session.cookie?.expires ? new Date(session.cookie.expires).getTime() - Date.now() : config.idleTimeoutMs
    const absolute = session.createdAt ? session.createdAt + config.absoluteTimeoutMs - Date.now() : config.absoluteTimeoutMs
    return Math.max(1, Math.ceil(Math.min(idle, absolute) / 1000))
  }
}

export async function createRedisStores(config: BffSessionConfig, log: FastifyBaseLogger): Promise<BffStores & { close(): Promise<void> }> {
  let lastLogged = 0
  const client = createRedisClient({
    url: config.redisUrl!,
    onError(error) {
      // One line per ten seconds while Redis is down, not one per reconnect attempt.
      if (Date.now() - lastLogged > 10_000) {
        lastLogged = Date.now()
        log.error({ err: error }, 'Redis connection error')
      }
    },
  })
  // Connect in the background: the BFF starts (not ready) even while Redis is still down.
  client.connect().catch(() => {})

  const prefix = config.redisKeyPrefix ?? 'bff:'
  const redisStore = new RedisStore({ client, prefix: `${prefix}session:`, ttl: sessionTtlSeconds(config) })
  const failFast = (callback: Callback) => (error?: unknown, value?: unknown) => callback(error ? new StoreUnavailableError(error) : undefined, value)
  const sessionStore: SessionStore = {
    get: (id, callback) => void redisStore.get(id, failFast(callback as Callback)),
    set: (id, session, callback) => void redisStore.set(id, session as never, failFast(callback)),
    destroy: (id, callback) => void redisStore.destroy(id, failFast(callback)),
  }

  const cipher = createTokenCacheCipher(config.tokenCacheKeys)
  const tokenKey = (key: string) => `${prefix}tokens:${key}`
  const guard = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work()
    } catch (error) {
      throw new StoreUnavailableError(error)
    }
  }
  const tokenCaches: TokenCacheStore = {
    get: (key) => guard(async () => {
      const sealed = await client.get(tokenKey(key))
      return sealed ? cipher.open(sealed, key) : undefined
    }),
    set: (key, serialized, ttlMs) => guard(async () => {
      await client.set(tokenKey(key), cipher.seal(serialized, key), { expiration: { type: 'PX', value: ttlMs } })
    }),
    delete: (key) => guard(async () => {
      await client.del(tokenKey(key))
    }),
    sizeOf: (key) => guard(async () => Number(await client.strLen(tokenKey(key)))),
  }

  const lock = createRedisLock(client, { prefix: `${prefix}lock:` })
  return {
    sessionStore,
    tokenCaches,
    locks: {
      async withLock(key, work) {
        let workFailed = false
        try {
          return await lock.withLock(key, () => work().catch((error) => {
            workFailed = true
            throw error
          }))
        } catch (error) {
          // The work's own errors pass through; only taking or releasing the lock maps to 503.
          if (workFailed || error instanceof LockTimeoutError) throw error
          throw new StoreUnavailableError(error)
        }
      },
    },
    rateLimitStore: redisRateLimitStore({ client, prefix: `${prefix}ratelimit:`, log }),
    readiness: [async () => ((await redisIsReady(client)) ? undefined : 'Redis is not reachable')],
    async close() {
      if (client.isOpen) await client.close()
    },
  }
}
