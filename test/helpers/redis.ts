import { createClient } from 'redis'
import type { Test } from 'tap'

/** The Redis the tests use: TEST_REDIS_URL (set by .ci/run) or the local default. */
export const testRedisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

/**
 * A connected client with a key prefix unique to this test, or undefined when no Redis answers:
 * under CI=true that fails the test; elsewhere it is skipped with the install command.
 */
export async function connectTestRedis(t: Test) {
  const client = createClient({ url: testRedisUrl, socket: { reconnectStrategy: false, connectTimeout: 2_000 } })
  client.on('error', () => {})
  try {
    await client.connect()
  } catch {
    const message = `no Redis at ${testRedisUrl}: install and start it ("apt-get install redis-server && redis-server --daemonize yes") or set TEST_REDIS_URL`
    if (process.env.CI === 'true') t.fail(message)
    else t.skip(message, () => {})
    return undefined
  }
  const prefix = `test:${process.pid}:${Math.random().toString(36).slice(2)}:`
  t.teardown(async () => {
    for await (const keys of client.scanIterator({ MATCH: `${prefix}*` })) {
      if (keys.length > 0) await client.del(keys)
    }
    await client.close()
  })
  return { client, prefix }
}
