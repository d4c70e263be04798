import { execFile, spawn } from 'node:child_process'
import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { chromium } from 'playwright-core'
import t from 'tap'
import { imageHeapFlag } from '../../bench/mixed.ts'
import { signInEditAndSignOut } from '../helpers/browser-journey.ts'
import { privateNetwork } from '../helpers/netns.ts'
import { hasPrerequisites } from '../helpers/prerequisites.ts'

// Stands in for `docker build .` + `docker run IMAGE` + Docker's HEALTHCHECK + `docker stop`:
// the unchanged Dockerfile is built with podman (.ci/build-image.sh makes the node:24 base
// locally, no registry), and since `podman run` cannot start containers in this sandbox the
// image's root filesystem is booted with chroot as the image's user, in a private network
// namespace so the image's default ports are free. Chromium then walks the whole journey.

const run = promisify(execFile)
const root = new URL('../../', import.meta.url).pathname
// IMAGE_TAG: a tag of one's own, so a run beside CI's does not replace the image CI is testing.
const tag = process.env.IMAGE_TAG ?? 'entra-edit-profile:ci'
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
// A cold build (base layer + npm ci) takes about two minutes, past the suite's default timeout.
t.setTimeout(600_000)

interface ImageConfig {
  User: string
  Env: string[]
  Entrypoint: string[]
  WorkingDir: string
  StopSignal?: string
}

interface ImageInspect {
  Config: ImageConfig
  Healthcheck?: { Test: string[] }
}

async function inspectImage(): Promise<ImageInspect> {
  const { stdout } = await run('podman', ['image', 'inspect', tag])
  return (JSON.parse(stdout) as ImageInspect[])[0]
}

/** uid:gid of a user in the image's /etc/passwd */
async function imageUser(rootfs: string, name: string): Promise<string> {
  const passwd = await readFile(join(rootfs, 'etc/passwd'), 'utf8')
  const entry = passwd.split('\n').find((line) => line.startsWith(`${name}:`))
  if (!entry) throw new Error(`no user ${name} in the image`)
  const [, , uid, gid] = entry.split(':')
  return `${uid}:${gid}`
}

function waitForExit(child: ReturnType<typeof spawn>, ms: number): Promise<{ code: number | null; signal: string | null } | 'timeout'> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('timeout'), ms)
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal })
    })
  })
}

t.test('the image built from the Dockerfile boots as uid 1000 on a read-only root, is healthy, serves the journey and stops cleanly', { timeout: 600_000 }, async (t) => {
  if (!hasPrerequisites(t, { commands: ['podman', 'buildah', 'debootstrap', 'chroot', 'ip', 'unshare', 'nsenter', chromiumPath], root: true, install: 'run as root after "apt-get install podman buildah debootstrap chromium"' })) return

  const built = await run('bash', [join(root, '.ci/build-image.sh'), tag], { cwd: root, timeout: 540_000, maxBuffer: 64 * 1024 * 1024 })
  t.match(built.stdout.trim(), /^[0-9a-f]{64}$/, 'the Dockerfile built')

  const image = await inspectImage()
  const config = image.Config
  t.equal(config.User, 'node', 'the image runs as the node user')
  t.same(image.Healthcheck?.Test.slice(0, 1), ['CMD'], 'the image carries its HEALTHCHECK')

  const { stdout: containerId } = await run('podman', ['create', '--name', `image-boot-${process.pid}`, tag])
  const id = containerId.trim()
  let child: ReturnType<typeof spawn> | undefined
  let exited: ReturnType<typeof waitForExit> | undefined
  t.teardown(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await exited
    await run('podman', ['rm', '--force', id])
  })
  const { stdout: mountPoint } = await run('podman', ['mount', id])
  const rootfs = mountPoint.trim()
  const userspec = await imageUser(rootfs, config.User)
  t.equal(userspec, '1000:1000', 'node is uid 1000, gid 1000')
  t.same(config.Entrypoint, ['node', imageHeapFlag, 'src/main.js'], 'the entrypoint is the built JavaScript, its heap sized from the container limit')
  const typeScript = (await readdir(join(rootfs, config.WorkingDir), { recursive: true })).filter(
    (file) => !file.startsWith('node_modules/') && /\.[cm]?ts$/.test(file) && !file.endsWith('.d.ts'),
  )
  t.same(typeScript, [], 'no TypeScript file to strip: the app and its packages are JavaScript in the image')
  const compileCache = config.Env.find((variable) => variable.startsWith('NODE_COMPILE_CACHE='))?.split('=')[1]
  t.ok(compileCache, 'NODE_COMPILE_CACHE names the compile cache')
  const cacheDir = await stat(join(rootfs, compileCache ?? '/missing'))
  t.equal(cacheDir.uid, 0, 'the compile cache belongs to root: the image user reads it and cannot change it')
  const cached = await readdir(join(rootfs, compileCache ?? '/missing'), { recursive: true })
  t.ok(cached.length > 100, `the compile cache was filled at build time (${cached.length} entries)`)
  // Node names each user's cache directory after its uid: only a cache made by uid 1000 is read.
  const cacheUse = await run('chroot', [`--userspec=${userspec}`, rootfs, '/usr/bin/env', '-i', '-C', config.WorkingDir, ...config.Env, 'NODE_DEBUG_NATIVE=COMPILE_CACHE',
    'node', '--input-type=module', '-e', "await import('fastify'); await import('./src/config/read-env.js')"])
  const cacheLog = `${cacheUse.stdout}${cacheUse.stderr}`
  t.match(cacheLog, /was accepted/, 'the image user reads the compile cache')
  t.notMatch(cacheLog, /Cannot create cache directory|rejected/, 'and finds the directory made for its uid')
  await writeFile(join(rootfs, 'etc/hosts'), '127.0.0.1 localhost\n::1 localhost ip6-localhost\n')
  const network = await privateNetwork(t, `image-boot-${process.pid}`)

  // What `docker run` would do: the image's environment, working dir, user and entrypoint.
  const inImage = (env: string[], argv: string[]) => [
    ...network.exec, 'chroot', `--userspec=${userspec}`, rootfs,
    '/usr/bin/env', '-i', '-C', config.WorkingDir, ...config.Env, 'HOME=/home/node', ...env, ...argv,
  ]
  // As compose.yaml and the Kubernetes manifests run it: a read-only root filesystem, a tmpfs at
  // /tmp, and a writable /home/node for the local tenant's data (compose's tenant-data volume), in a
  // mount namespace of its own so nothing outlives the process.
  const readOnlyRoot = [
    `mount --bind ${rootfs} ${rootfs}`, `mount -o remount,bind,ro ${rootfs}`,
    `mount -t tmpfs -o mode=1777 tmpfs ${rootfs}/tmp`, `mount -t tmpfs -o uid=1000,gid=1000,mode=0755 tmpfs ${rootfs}/home/node`,
  ].join(' && ')
  const entrypoint = inImage(['PROFILE=local', 'LOG_LEVEL=warn'], config.Entrypoint)
  const started = Date.now()
  child = spawn('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', `${readOnlyRoot} && exec "$@"`, 'sh', ...entrypoint], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout!.on('data', (chunk) => (output += chunk))
  child.stderr!.on('data', (chunk) => (output += chunk))
  exited = waitForExit(child, 580_000)

  let ready = 0
  // A bound for booting all three roles (the tenant makes its keys and CA), not a speed target:
  // a loaded CI machine needs well over the ~5 s a quiet one takes.
  while (Date.now() - started < 120_000) {
    const statuses = await Promise.all(['http://127.0.0.1:3000/readyz', 'http://127.0.0.1:3001/readyz'].map((url) => network.status(url)))
    if (statuses.every((status) => status === 200)) {
      ready = Date.now() - started
      break
    }
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  t.ok(ready > 0, `the BFF and the edit profile service answer /readyz 200 on their default ports${ready ? ` (${ready} ms)` : `\n${output}`}`)
  if (!ready) return

  const write = await run('nsenter', ['--mount', `--target=${child.pid}`, 'touch', `${rootfs}/app/written`]).then(() => '', (error: { stderr: string }) => error.stderr)
  t.match(write, /Read-only file system/, 'the image runs with a read-only root filesystem')
  const status = await readFile(`/proc/${child.pid}/status`, 'utf8')
  t.match(status, /^Uid:\s+1000\s+1000\s+1000\s+1000$/m, 'the entrypoint runs as uid 1000')
  t.match(output, /Open http:\/\/localhost:3000 in your browser/, 'the banner names the app')

  const healthcheck = image.Healthcheck!.Test.slice(1)
  const exitCode = ([file, ...rest]: string[]) => run(file, rest).then(() => 0, (error: { code: number }) => error.code)
  t.equal(await exitCode(inImage([], healthcheck)), 0, 'the image HEALTHCHECK command passes')
  t.equal(await exitCode(inImage(['HEALTHCHECK_PORT=3999'], healthcheck)), 1, 'the same HEALTHCHECK fails when nothing answers')

  const demo = output.match(/Demo account:\s+(\S+) \/ (\S+)/)
  t.ok(demo, 'the banner gives the demo account')
  const wrapperDir = await mkdtemp(join(tmpdir(), 'image-boot-chromium-'))
  t.teardown(() => rm(wrapperDir, { recursive: true, force: true }))
  const wrapper = join(wrapperDir, 'chromium')
  await writeFile(wrapper, `#!/bin/sh\nexec ${network.exec.join(' ')} ${chromiumPath} "$@"\n`)
  await chmod(wrapper, 0o755)
  const browser = await chromium.launch({
    executablePath: wrapper, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  t.teardown(() => browser.close())
  const context = await browser.newContext()
  await signInEditAndSignOut(t, context, {
    appUrl: 'http://localhost:3000',
    mailboxUrl: 'http://localhost:3100/mailbox',
    user: { email: demo![1], password: demo![2] },
    newDisplayName: 'Image Traveller',
  })
  await context.close()

  t.equal(config.StopSignal ?? 'SIGTERM', 'SIGTERM', 'the image stops with SIGTERM')
  const stopping = Date.now()
  child.kill('SIGTERM')
  const exit = await Promise.race([exited, new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 15_000))])
  const took = Date.now() - stopping
  t.same(exit, { code: 0, signal: null }, `exits 0 on SIGTERM within 15 s (took ${took} ms)${exit === 'timeout' || exit.code !== 0 ? `\n${output}` : ''}`)

  // The local tenant alone, as `docker run IMAGE local-tenant` (the role argument) serves it to
  // apps in any stack: its pages answer on 3100, and nothing else of the product runs.
  const tenantOnly = spawn('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', `${readOnlyRoot} && exec "$@"`, 'sh', ...inImage(['PROFILE=local', 'LOG_LEVEL=warn'], [...config.Entrypoint, 'local-tenant'])], { stdio: ['ignore', 'pipe', 'pipe'] })
  let tenantOutput = ''
  tenantOnly.stdout!.on('data', (chunk) => (tenantOutput += chunk))
  tenantOnly.stderr!.on('data', (chunk) => (tenantOutput += chunk))
  const tenantExited = waitForExit(tenantOnly, 120_000)
  t.teardown(() => { if (tenantOnly.exitCode === null) tenantOnly.kill('SIGKILL') })
  const tenantStarted = Date.now()
  let mailbox = 0
  while (Date.now() - tenantStarted < 120_000 && mailbox !== 200) {
    mailbox = await network.status('http://127.0.0.1:3100/mailbox')
    if (mailbox !== 200) await new Promise((resolve) => setTimeout(resolve, 250))
  }
  t.equal(mailbox, 200, `docker run IMAGE local-tenant serves the tenant's pages${mailbox === 200 ? '' : `\n${tenantOutput}`}`)
  t.match(tenantOutput, /local-tenant\s+http:\/\/localhost:3100/, 'and names it in its banner')
  t.equal(await network.status('http://127.0.0.1:3000/readyz'), 0, 'the tenant alone: no BFF')
  tenantOnly.kill('SIGTERM')
  t.same(await tenantExited, { code: 0, signal: null }, 'the tenant stops on SIGTERM')
})
