import type { Session } from 'fastify'
import type { FastifyBaseLogger } from 'fastify'
import type { BffSessionConfig } from '../redis-config-types.ts'
import { createRedisConnection } from './redis-connection.ts'
import { createRedisLock, LockTimeoutError, LockUnavailableError } from './redis-lock.ts'
import { createTokenCacheCipher } from './token-cache-cipher.ts'
import type { FastifyRateLimitStoreCtor } from '@fastify/rate-limit'
import type { EntraBffStores } from './bff-stores.ts'
import { DependencyFailure } from '../failures.ts'
import { createStoreGuard, type StoreGuardOptions } from './store-guard.ts'
import { redisRateLimitStore } from './rate-limit-store.ts'
import { createRedisSessionIndex } from './redis-session-index.ts'
import { createRedisLiveSessions } from './redis-live-sessions.ts'
import { createSealedSessionStore } from './sealed-session-store.ts'
import { endedKeys } from './ended-keys.ts'
import type { TokenCacheStore } from './token-cache-store.ts'

// Sessions, token caches and per-session locks in Redis, so any replica serves any request.
// Sessions and token caches are sealed with AES-256-GCM (key ring from config) before they leave
// the process, and an ended one cannot be written back (tombstones, ended-keys.ts).
// Every command runs through the store guard (a deadline and a circuit breaker): when Redis is
// down or frozen, each store call fails within the deadline with a 503 (users see a clear page or
// fragment, never a hang) and the client reconnects by itself.

/** The session's TTL in ms: its idle timeout, but never past its absolute lifetime. */
function sessionTtlMs(config: BffSessionConfig) {
  return (session: Session & { cookie?: { expires?: Date | string | null } }) => {
    const idle = session.cookie?.expires ? new Date(session.cookie.expires).getTime() - Date.now() : config.idleTimeoutMs
    const absolute = session.createdAt ? session.createdAt + config.absoluteTimeoutMs - Date.now() : config.absoluteTimeoutMs
    return Math.max(1_000, Math.min(idle, absolute))
  }
}

/** The plugin's stores in Redis, the store an app's @fastify/rate-limit counts in, and how to close the connection. */
export interface RedisStores extends EntraBffStores {
  rateLimitStore: FastifyRateLimitStoreCtor
  close(): Promise<void>
}

export async function createRedisStores(config: BffSessionConfig, log: FastifyBaseLogger, options: StoreGuardOptions & { lockWaitMs?: number; countLiveSessions?: boolean } = {}): Promise<RedisStores> {
  // The BFF builds these stores only when a Redis is configured (REDIS_URL, a Cluster or Sentinels).
  const redisConfig = config.redis ?? (config.redisUrl ? { topology: { kind: 'single' as const, url: config.redisUrl } } : undefined)
  if (!redisConfig) throw new Error('the Redis stores need a Redis (REDIS_URL, REDIS_CLUSTER_URLS or REDIS_SENTINEL_URLS)')
  let lastLogged = 0
  let reAuthFailing = false
  const connection = await createRedisConnection(redisConfig, {
    onReAuthenticationError(error) {
      // One line per failure: the connections keep their token until Redis refuses it, and then
      // each request answers 503 (store guard) until a reconnect gets a new token.
      if (reAuthFailing) return
      reAuthFailing = true
      log.error({ err: error.message }, 'Redis Entra token could not be renewed: Redis will refuse the BFF when the current token expires')
      setTimeout(() => { reAuthFailing = false }, 60_000).unref()
    },
    onError(error) {
      // One line per ten seconds while Redis is down, not one per reconnect attempt.
      if (Date.now() - lastLogged > 10_000) {
        lastLogged = Date.now()
        log.error({ err: error }, 'Redis connection error')
      }
    },
  })
  // Connect in the background: the BFF starts (not ready) even while Redis is still down.
  connection.connect().catch(() => {})
  const { client, slotTag } = connection

  const prefix = config.redisKeyPrefix ?? 'bff:'
  const storeGuard = createStoreGuard(options)
  const guard = <T>(work: () => Promise<T>): Promise<T> => storeGuard.run(work)
  // Only while metrics are exported: the count feeds a metric, and costs a write per session save.
  const liveSessions = options.countLiveSessions
    ? createRedisLiveSessions(client, { key: `${prefix}live-sessions`, lifetimeMs: config.absoluteTimeoutMs, deadlineMs: options.commandTimeoutMs })
    : undefined
  const cipher = createTokenCacheCipher(config.tokenCacheKeys)
  const sessionStore = createSealedSessionStore({
    client, prefix, cipher, guard, log, slotTag, ttlMs: sessionTtlMs(config),
    saved: liveSessions ? (id, ttlMs) => liveSessions.saved(id, ttlMs) : undefined,
    ended: liveSessions ? (id) => liveSessions.ended(id) : undefined,
  })

  // `tokens:{key}` and `tokens-ended:{key}` on a Cluster: one slot for the script that checks both.
  const tokenKey = (key: string) => `${prefix}tokens:${slotTag(key)}`
  // A token cache deleted while a token call of its session was in flight stays deleted: the
  // call's write-back is dropped. Its session is ended too, so a few minutes of tombstone suffice.
  const tokenCacheKeys = endedKeys(client, (key) => `${prefix}tokens-ended:${key.slice(`${prefix}tokens:`.length)}`, { shortestMs: 5 * 60_000, longestMs: 5 * 60_000 })
  const tokenCaches: TokenCacheStore = {
    get: (key) => guard(async () => {
      const sealed = await client.get(tokenKey(key))
      return sealed ? cipher.open(sealed, key) : undefined
    }),
    set: (key, serialized, ttlMs) => guard(async () => {
      await tokenCacheKeys.write(tokenKey(key), cipher.seal(serialized, key), ttlMs)
    }),
    delete: (key) => guard(async () => {
      await tokenCacheKeys.end(tokenKey(key))
    }),
    sizeOf: (key) => guard(async () => Number(await client.strLen(tokenKey(key)))),
  }

  // A held lock is not waited for while Redis fails (a command failed in the last 2 s): its
  // holder may be writing a token cache again (identity.ts), and the wait would only end in a 503.
  const lock = createRedisLock(client, { prefix: `${prefix}lock:`, guard, waitMs: options.lockWaitMs, stopWaiting: () => storeGuard.failedWithin(2_000) })
  return {
    sessionStore,
    tokenCaches,
    locks: {
      async withLock(key, work) {
        try {
          return await lock.withLock(key, work)
        } catch (error) {
          // Waiting too long for the lock: another request of this session is still at work.
          if (error instanceof LockTimeoutError) throw new DependencyFailure('store-busy', { cause: error })
          if (error instanceof LockUnavailableError) throw new DependencyFailure('store-unavailable', { cause: error })
          throw error
        }
      },
    },
    dependencies: { redis: () => storeGuard.problem(() => connection.ping()) },
    rateLimitStore: redisRateLimitStore({ client, prefix: `${prefix}ratelimit:`, log }),
    sessionIndex: createRedisSessionIndex(client, `${prefix}index:`, guard),
    liveSessions,
    close: () => connection.close(),
  }
}
