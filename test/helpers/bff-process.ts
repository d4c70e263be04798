import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { createInterface } from 'node:readline'
import type { Test } from 'tap'
import type { BffConfig } from '../../src/config/types.ts'

// The BFF in a process of its own, as production runs it: telemetry started from `env` first
// (main.ts does the same), then buildBff. Every line it writes is kept.

const appModule = fileURLToPath(new URL('../../src/bff/app.ts', import.meta.url))
const telemetryModule = fileURLToPath(new URL('../../src/lib/telemetry/telemetry.ts', import.meta.url))

export async function startBffProcess(t: Test, config: BffConfig, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--input-type=module', '-e', `
    const { startTelemetry } = await import(${JSON.stringify(telemetryModule)})
    const telemetry = await startTelemetry(process.env, ['bff'])
    const { buildBff } = await import(${JSON.stringify(appModule)})
    const config = JSON.parse(process.env.BFF_CONFIG)
    const app = await buildBff(config)
    await app.listen({ host: '127.0.0.1', port: config.port })
    process.on('SIGTERM', () => app.close().then(() => telemetry.shutdown()).then(() => process.exit(0)))
  `], { env: { ...process.env, ...env, BFF_CONFIG: JSON.stringify(config) }, stdio: ['ignore', 'pipe', 'pipe'] })
  const output: string[] = []
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  t.teardown(() => { child.kill('SIGTERM') })
  child.stderr.on('data', (chunk) => output.push(String(chunk)))
  let probe: NodeJS.Timeout | undefined
  try {
    await new Promise<void>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`BFF exited (${code}): ${output.join('')}`)))
      createInterface({ input: child.stdout }).on('line', (line) => {
        output.push(line)
        if (line.includes('Server listening at')) resolve()
      })
      // With logging off no line says so: the liveness probe answering does.
      probe = setInterval(() => {
        fetch(`http://127.0.0.1:${config.port}/healthz`).then((answer) => { if (answer.ok) resolve() }, () => {})
      }, 100)
    })
  } finally {
    clearInterval(probe)
  }
  return {
    output,
    /** Stops the process gracefully (telemetry flushed) and waits for it. */
    async stop() {
      child.kill('SIGTERM')
      await exited
    },
  }
}
