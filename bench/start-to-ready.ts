import { spawn } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'
import { request } from 'undici'
import { freePort } from '../harness/ports.ts'

// Process start-to-ready: from spawn of `node src/main.ts <role>` (what production runs) to the
// first 200 from its /readyz.

const mainScript = new URL('../src/main.ts', import.meta.url).pathname

async function ready(url: string): Promise<boolean> {
  try {
    const response = await request(url)
    await response.body.dump()
    return response.statusCode === 200
  } catch {
    return false
  }
}

export async function startToReadyMs(role: 'bff' | 'profile-service', env: Record<string, string>): Promise<number> {
  const port = await freePort()
  const portVariable = role === 'bff' ? 'BFF_PORT' : 'PROFILE_SERVICE_PORT'
  const started = performance.now()
  const child = spawn(process.execPath, [mainScript, role], { env: { ...process.env, ...env, [portVariable]: String(port), LOG_LEVEL: 'warn' }, stdio: 'ignore' })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  try {
    while (!(await ready(`http://127.0.0.1:${port}/readyz`))) {
      if (child.exitCode !== null) throw new Error(`${role} exited (${child.exitCode}) before it was ready`)
      if (performance.now() - started > 30_000) throw new Error(`${role} was not ready within 30 s`)
      await sleep(5)
    }
    return Math.round(performance.now() - started)
  } finally {
    child.kill('SIGINT')
    await exited
  }
}
