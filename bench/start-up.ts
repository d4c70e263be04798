import { execFile, spawn } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { promisify } from 'node:util'
import { request } from 'undici'
import { freePort } from '../harness/ports.ts'

// Start-up as the image runs it: the app built to JavaScript (tsconfig.build.json, as the image's
// build stage does), Node's compile cache filled by one start of each role first (as the image's
// build does), then `node src/main.js <role>` timed from spawn to the first 200 from /readyz, and
// its RSS read after it has stood idle for a moment. A plain Fastify hello-world
// (bench/hello-world.js) starts the same way in the same run: the yardstick that makes the
// figures comparable across machines (the role over the hello-world, in bytes and in time).

const run = promisify(execFile)
/** A command run with no inherited NODE_OPTIONS (a test runner's loader hooks must not be in what is measured or built). */
const clean = (argv: string[]): [string, string[]] => ['/bin/sh', ['-c', 'unset NODE_OPTIONS; exec "$@"', 'sh', ...argv]]
const root = new URL('../', import.meta.url).pathname
const helloWorld = new URL('./hello-world.js', import.meta.url).pathname
/** How long a process stands idle after its first /readyz 200 before its RSS is read. */
const idleMs = 2_000

export type StartUpRole = 'bff' | 'profile-service' | 'hello-world'

export interface StartUp { readyMs: number; idleRssBytes: number }

export interface BuiltApp {
  /** A folder laid out like the image's /app: the JavaScript mirror of src/, views/, public/, node_modules/. */
  dir: string
  compileCache: string
}

/** The app compiled as the image's build stage compiles it, in `workDir`. */
export async function buildApp(workDir: string): Promise<BuiltApp> {
  const dir = join(workDir, 'app')
  const tsc = (...args: string[]) => run(...clean([join(root, 'node_modules/.bin/tsc'), ...args]), { cwd: root })
  // Emit only (tsconfig.build.json: noCheck; `npm run typecheck` checks), as the image's build stage.
  await tsc('-p', join(root, 'tsconfig.build.json'), '--outDir', dir)
  // The workspace packages built into this folder, not the repository's (a test may be packing
  // them at the same time), with what each ships besides dist/ (its package.json `files`).
  const packageNames = ['fastify-entra-bff', 'entra-local-tenant']
  for (const name of packageNames) {
    const source = join(root, 'packages', name)
    const target = join(dir, 'packages', name)
    await tsc('-p', join(source, 'tsconfig.build.json'), '--outDir', join(target, 'dist'))
    const { files } = JSON.parse(readFileSync(join(source, 'package.json'), 'utf8')) as { files: string[] }
    for (const shipped of ['package.json', ...files.filter((file) => file !== 'dist')]) {
      if (existsSync(join(source, shipped))) symlinkSync(join(source, shipped), join(target, shipped))
    }
  }
  // node_modules as the image has it: the repository's, but the workspace packages are these builds.
  mkdirSync(join(dir, 'node_modules'))
  for (const entry of readdirSync(join(root, 'node_modules'))) {
    symlinkSync(packageNames.includes(entry) ? join(dir, 'packages', entry) : join(root, 'node_modules', entry), join(dir, 'node_modules', entry))
  }
  for (const shared of ['views', 'public']) symlinkSync(join(root, shared), join(dir, shared))
  copyFileSync(join(root, 'package.json'), join(dir, 'package.json'))
  return { dir, compileCache: join(workDir, 'compile-cache') }
}

async function ready(url: string): Promise<boolean> {
  try {
    const response = await request(url)
    await response.body.dump()
    return response.statusCode === 200
  } catch {
    return false
  }
}

function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kilobytes = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1]
  return kilobytes ? Number(kilobytes) * 1024 : Number.NaN
}

/** One start of `role` from the built app (or of the hello-world), with no `source` condition and no type stripping. */
export async function startUp(role: StartUpRole, app: BuiltApp, env: Record<string, string>): Promise<StartUp> {
  const port = await freePort()
  const portVariable = role === 'profile-service' ? 'PROFILE_SERVICE_PORT' : role === 'bff' ? 'BFF_PORT' : 'PORT'
  const argv = role === 'hello-world' ? [helloWorld] : ['src/main.js', role]
  const started = performance.now()
  const child = spawn(...clean([process.execPath, ...argv]), {
    cwd: app.dir,
    env: { ...process.env, ...env, NODE_COMPILE_CACHE: app.compileCache, [portVariable]: String(port), LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  try {
    while (!(await ready(`http://127.0.0.1:${port}/readyz`))) {
      if (child.exitCode !== null) throw new Error(`${role} exited (${child.exitCode}) before it was ready`)
      if (performance.now() - started > 30_000) throw new Error(`${role} was not ready within 30 s`)
      await sleep(5)
    }
    const readyMs = Math.round(performance.now() - started)
    await sleep(idleMs)
    return { readyMs, idleRssBytes: rssBytes(child.pid!) }
  } finally {
    child.kill('SIGTERM')
    await exited
  }
}
