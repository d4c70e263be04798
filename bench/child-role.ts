import { fork, type ChildProcess } from 'node:child_process'
import { openSync } from 'node:fs'

// A role in its own Node process (the load generator must not share its event loop), driven
// over IPC: one request at a time per message id, answered with { id, result } or { id, error }.

export interface ChildRole {
  name: string
  ready: Record<string, unknown>
  ask<T>(type: string, payload?: unknown): Promise<T>
  stop(): Promise<void>
}

interface Reply { id?: number; result?: unknown; error?: string; ready?: Record<string, unknown>; needsInput?: boolean }

export interface ChildRoleOptions {
  env?: Record<string, string>
  logFile: string
  cpuProfDir?: string
  input?: unknown
  /** A cgroup's cgroup.procs: the child moves itself in before Node starts, so all its memory is charged there. */
  cgroupProcs?: string
}

/** Node, or a shell that first moves itself into the cgroup and then execs Node (the IPC channel passes through exec). */
function launcher(nodeArgs: string[], cgroupProcs: string | undefined): { execPath: string; execArgv: string[] } {
  if (!cgroupProcs) return { execPath: process.execPath, execArgv: nodeArgs }
  const quoted = [process.execPath, ...nodeArgs].map((arg) => `'${arg.replaceAll("'", "'\\''")}'`).join(' ')
  return { execPath: '/bin/sh', execArgv: ['-c', `echo $$ > '${cgroupProcs}' && exec ${quoted} "$@"`, 'sh'] }
}

export async function startChildRole(name: string, script: URL, options: ChildRoleOptions): Promise<ChildRole> {
  const log = openSync(options.logFile, 'a')
  const nodeArgs = options.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`, `--cpu-prof-name=${name}.cpuprofile`] : []
  const child: ChildProcess = fork(script.pathname, [], {
    ...launcher(nodeArgs, options.cgroupProcs),
    env: { ...process.env, ...options.env },
    stdio: ['ignore', log, log, 'ipc'],
  })
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>()
  let nextId = 1
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  // A child that died (the OOM killer, a crash) answers nothing more: its questions fail.
  child.once('exit', (code, signal) => {
    for (const waiter of pending.values()) waiter.reject(new Error(`${name} exited (${signal ?? code})`))
    pending.clear()
  })
  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${name} exited (${code}) before it was ready; see ${options.logFile}`)))
    child.on('message', (message: Reply) => {
      // Inputs that must not sit in the environment (tokens) go over IPC, when the child asks.
      if (message.needsInput) return child.send({ input: options.input })
      if (message.ready) return resolve(message.ready)
      const waiter = message.id === undefined ? undefined : pending.get(message.id)
      if (!waiter) return
      pending.delete(message.id!)
      if (message.error) waiter.reject(new Error(`${name}: ${message.error}`))
      else waiter.resolve(message.result)
    })
  })
  return {
    name,
    ready,
    ask<T>(type: string, payload?: unknown) {
      const id = nextId++
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject })
        child.send({ id, type, payload })
      })
    },
    async stop() {
      if (child.exitCode !== null) return
      // SIGINT lets the role close its servers and write its CPU profile.
      child.kill('SIGINT')
      await exited
    },
  }
}

/** The child side: the input its parent sends over IPC before anything else. */
export function inputFromParent<T>(): Promise<T> {
  const input = new Promise<T>((resolve) => process.once('message', (message: { input: T }) => resolve(message.input)))
  process.send!({ needsInput: true })
  return input
}

type Handler = (payload: never) => Promise<unknown>

const everyRole: Record<string, Handler> = {
  cpuUsage: async () => process.cpuUsage(),
  memoryUsage: async () => process.memoryUsage(),
}

/** The child side: announce readiness, answer requests (and `cpuUsage`, `memoryUsage` for every role), close on SIGINT. */
export function serveParent(ready: Record<string, unknown>, handlers: Record<string, Handler>, close: () => Promise<void>): void {
  process.on('message', async (message: { id: number; type: string; payload: never }) => {
    const handler = everyRole[message.type] ?? handlers[message.type]
    try {
      if (!handler) throw new Error(`no handler for ${message.type}`)
      process.send!({ id: message.id, result: await handler(message.payload) })
    } catch (error) {
      process.send!({ id: message.id, error: (error as Error).message })
    }
  })
  process.once('SIGINT', async () => {
    await close()
    process.disconnect()
    process.exit(0)
  })
  process.send!({ ready })
}
