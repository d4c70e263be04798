import { spawn } from 'node:child_process'
import { dirname } from 'node:path'
import { createInterface } from 'node:readline'

// Running what a user outside this repository runs: npm, npx and an installed `entra-local-tenant`
// with this Node (24) first on PATH, and without the test runner's NODE_OPTIONS (tap puts its
// loaders there for every child, and this repository's `entra-source` condition): each command
// runs under `env -u NODE_OPTIONS`.

/** The environment of a command run as outside the repository: this Node first on PATH. */
export const outsideEnv = (): NodeJS.ProcessEnv => ({ ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH}`, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' })

/** `command args` without NODE_OPTIONS, as [file, args] for spawn and execFile. */
export const withoutNodeOptions = (command: string, args: string[]) => ['env', ['-u', 'NODE_OPTIONS', command, ...args]] as const

/**
 * `npx entra-local-tenant ...args` in `cwd` (where it is installed); resolves once it printed how
 * to reach it (the authority, apps, CA), with what it printed and a stop function.
 */
export async function startTenantCli(cwd: string, args: string[]): Promise<{ printed: string; stop(): void }> {
  const tenant = spawn(...withoutNodeOptions('npx', ['--no-install', 'entra-local-tenant', ...args]), { cwd, env: outsideEnv(), stdio: ['ignore', 'pipe', 'inherit'], detached: true })
  // npx runs the CLI in a child of its own: the whole process group ends, once (a second call, or a
  // group already gone, does nothing).
  let stopped = false
  const stop = () => {
    if (stopped || !tenant.pid || tenant.exitCode !== null) return
    stopped = true
    try {
      process.kill(-tenant.pid, 'SIGTERM')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error
    }
  }
  const lines: string[] = []
  try {
    await new Promise<void>((resolve, reject) => {
      tenant.once('exit', (code) => reject(new Error(`the tenant exited (${code}): ${lines.join('\n')}`)))
      createInterface({ input: tenant.stdout }).on('line', (line) => {
        lines.push(line)
        if (line.includes('Chromium:')) resolve()
      })
    })
  } catch (error) {
    stop()
    throw error
  }
  return { printed: lines.join('\n'), stop }
}
