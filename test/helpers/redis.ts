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

/**
 * A private redis-server on a free port (this test stops and restarts it), with append-only
 * persistence in a temp dir so data survives the restart.
 */
export async function startPrivateRedis(t: Test) {
  const { spawn, spawnSync } = await import('node:child_process')
  const { mkdtemp, rm } = await import('node:fs/promises')
  const { tmpdir } = await import('node:os')
  const { join } = await import('node:path')
  const { freePort } = await import('../../harness/ports.ts')
  if (spawnSync('redis-server', ['--version']).error) {
    const message = 'redis-server not found: install it with "apt-get install redis-server"'
    if (process.env.CI === 'true') t.fail(message)
    else t.skip(message, () => {})
    return undefined
  }
  const port = await freePort()
  const dir = await mkdtemp(join(tmpdir(), 'redis-'))
  let server: ReturnType<typeof spawn> | undefined
  const start = async () => {
    server = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', ''], { stdio: 'ignore' })
    for (let i = 0; i < 100; i++) {
      const probe = createClient({ url: `redis://127.0.0.1:${port}`, socket: { reconnectStrategy: false } })
      probe.on('error', () => {})
      try {
        await probe.connect()
        await probe.close()
        return
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    }
    throw new Error('redis-server did not start')
  }
  const stop = async () => {
    if (!server) return
    const exited = new Promise((resolve) => server!.once('exit', resolve))
    server.kill('SIGTERM')
    await exited
    server = undefined
  }
  /** SIGSTOP: the process keeps its connections open and answers nothing (a frozen Redis). */
  const freeze = () => server?.kill('SIGSTOP')
  const thaw = () => server?.kill('SIGCONT')
  await start()
  t.teardown(async () => {
    thaw()
    await stop()
    await rm(dir, { recursive: true, force: true })
  })
  return { url: `redis://127.0.0.1:${port}`, start, stop, freeze, thaw }
}
