import { createClient } from 'redis'

/** What the stores may send: the commands every topology answers (redis-connection.ts). */
export type { RedisCommands as RedisClient } from './redis-connection.ts'

interface RedisClientOptions {
  url: string
  /** Called on connection errors; the client keeps reconnecting by itself. */
  onError(error: Error): void
}

/**
 * One node, for tests and tools that need no topology (the BFF connects through redis-connection.ts).
 * A node-redis client that reconnects forever with capped backoff and fails commands fast while
 * Redis is down (no offline queue), so users get a clear 503 instead of a hung request.
 */
export function createRedisClient(options: RedisClientOptions) {
  const client = createClient({
    url: options.url,
    disableOfflineQueue: true,
    socket: {
      connectTimeout: 2_000,
      reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 2_000),
    },
  })
  client.on('error', options.onError)
  return client
}
