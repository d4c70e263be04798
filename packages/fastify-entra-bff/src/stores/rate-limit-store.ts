import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit'
import type { FastifyBaseLogger } from 'fastify'
import type { RedisClient } from './redis-client.ts'

// The /auth/* rate limits counted in Redis, so N replicas enforce one limit per client address.
//
// Why not @fastify/rate-limit's own `redis` option: its RedisStore is written for ioredis — it
// calls `redis.defineCommand(...)` and ioredis' callback-style custom commands, which node-redis
// (the `redis` 6 client our sessions, token caches and locks already use) does not have. Rather
// than a second Redis client library and connection, this store implements the plugin's store
// interface (`incr` + `child`) on the existing node-redis client, with the same fixed-window
// script as the plugin's RedisStore.
//
// When Redis is down or slow: every call has a deadline (default 200 ms; node-redis also fails
// at once while disconnected, as its offline queue is off); past it the count falls back to
// this replica's memory. Neither fail-open (no limit at all exactly when Redis is being hammered)
// nor fail-closed (a Redis blip locks every user out of sign-in): the limit still holds, only
// per replica, i.e. at most N times looser, until Redis answers again.

// INCR, start the window on the first hit, report the count and the window's remaining time.
const incrementScript = `
local current = redis.call('INCR', KEYS[1])
if current == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return { current, redis.call('PTTL', KEYS[1]) }`

type Counted = { current: number; ttl: number }
type Callback = (error: Error | null, result?: Counted) => void

/** A fixed-window count per key in this process's memory, bounded in size: the fallback. */
function memoryCounter(maxKeys = 10_000) {
  const windows = new Map<string, { current: number; endsAt: number }>()
  return (key: string, timeWindow: number): Counted => {
    const now = Date.now()
    let window = windows.get(key)
    if (!window || window.endsAt <= now) {
      if (windows.size >= maxKeys) {
        for (const [stale, { endsAt }] of windows) if (endsAt <= now) windows.delete(stale)
        const oldest = windows.keys().next()
        if (windows.size >= maxKeys && !oldest.done) windows.delete(oldest.value)
      }
      window = { current: 0, endsAt: now + timeWindow }
      windows.set(key, window)
    }
    window.current += 1
    return { current: window.current, ttl: window.endsAt - now }
  }
}

export interface RedisRateLimitStoreOptions {
  client: RedisClient
  /** Key prefix, e.g. `bff:ratelimit:`; each route adds its method and URL. */
  prefix: string
  log: FastifyBaseLogger
  /** Longest wait for Redis before this request is counted in memory instead. */
  timeoutMs?: number
}

export function redisRateLimitStore(options: RedisRateLimitStoreOptions): FastifyRateLimitStoreCtor {
  const { client } = options
  const timeoutMs = options.timeoutMs ?? 200
  // Our own deadline: node-redis' command `timeout` only covers the wait before a command is
  // written, not a Redis that has the command and does not answer (checked with CLIENT PAUSE).
  // A late reply is still read in order by the client and simply ignored here.
  const withinDeadline = <T>(work: Promise<T>): Promise<T> => {
    let timer: NodeJS.Timeout | undefined
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not answer within ${timeoutMs} ms`)), timeoutMs)
    })
    return Promise.race([work, deadline]).finally(() => clearTimeout(timer))
  }
  const countInMemory = memoryCounter()
  let lastWarned = 0
  const warn = (error: unknown) => {
    if (Date.now() - lastWarned < 10_000) return
    lastWarned = Date.now()
    options.log.warn({ err: error }, 'rate limits are counted per replica while Redis does not answer')
  }

  class RedisRateLimitStore implements FastifyRateLimitStore {
    keyPrefix: string
    constructor(_pluginOptions: unknown, keyPrefix = options.prefix) {
      this.keyPrefix = keyPrefix
    }

    incr(key: string, callback: Callback, timeWindow: number) {
      const redisKey = this.keyPrefix + key
      withinDeadline(client.eval(incrementScript, { keys: [redisKey], arguments: [String(timeWindow)] })).then(
        (reply) => {
          const [current, ttl] = reply as [number, number]
          callback(null, { current, ttl })
        },
        (error: unknown) => {
          warn(error)
          callback(null, countInMemory(redisKey, timeWindow))
        },
      )
    }

    child(routeOptions: unknown): FastifyRateLimitStore {
      // The plugin passes the route's merged limit options, the route itself under routeInfo.
      const { method, url } = (routeOptions as { routeInfo: { method: string; url: string } }).routeInfo
      return new RedisRateLimitStore(undefined, `${this.keyPrefix}${method}${url}:`)
    }
  }
  return RedisRateLimitStore
}
