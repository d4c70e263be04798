import { type ChildProcess, spawn } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'
import { createClient } from 'redis'

// One redis-server (or Sentinel) process started by a test (or the benchmark) on loopback, stopped by its pid in
// teardown: the building block of the Cluster, Sentinel and TLS helpers (redis-cluster.ts,
// redis-sentinel.ts, redis-tls.ts).

/** Where a process's stop goes: a tap test's teardown, or the benchmark's own list (bench/redis-topology.ts). */
export interface Teardown {
  teardown(fn: () => unknown): void
}

export interface RedisProcess {
  port: number
  pid: number | undefined
  /** Not killed by the test. */
  alive(): boolean
  /** SIGKILL: the node dies as a crashed host would, with no goodbye to its peers. */
  kill(): Promise<void>
}

/** Starts redis-server with these arguments and waits (generously: a busy machine) until `ready` says so. */
export async function startRedisProcess(t: Teardown, args: string[], port: number, ready: () => Promise<boolean>): Promise<RedisProcess> {
  let child: ChildProcess | undefined = spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'inherit'] })
  const kill = async () => {
    const running = child
    child = undefined
    if (!running || running.exitCode !== null || running.signalCode !== null) return
    const exited = new Promise((resolve) => running.once('exit', resolve))
    running.kill('SIGKILL')
    await exited
  }
  t.teardown(kill)
  for (let attempt = 0; attempt < 300; attempt++) {
    if (child?.exitCode !== null) throw new Error(`redis-server ${args.join(' ')} exited with ${child?.exitCode}`)
    if (await ready().catch(() => false)) return { port, pid: child.pid, alive: () => child !== undefined, kill }
    await sleep(100)
  }
  throw new Error(`redis-server on port ${port} did not start within 30 s`)
}

/** Whether a plain redis:// node at this port answers PING. */
export async function answersPing(url: string, socket: Record<string, unknown> = {}): Promise<boolean> {
  const probe = createClient({ url, socket: { reconnectStrategy: false, connectTimeout: 1_000, ...socket } })
  probe.on('error', () => {})
  try {
    await probe.connect()
    await probe.ping()
    return true
  } catch {
    return false
  } finally {
    if (probe.isOpen) await probe.close().catch(() => {})
  }
}
