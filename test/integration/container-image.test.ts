import { spawn, execFile } from 'node:child_process'
import { cp, mkdtemp, readdir, readFile, rm, access } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { validate } from 'dockerfile-utils'
import t from 'tap'
import { imageHeapFlag } from '../../bench/mixed.ts'
import { freePort } from '../../harness/ports.ts'

// The quick check that runs on any machine (image-boot.test.ts builds and boots the real image
// where podman is installed): the image is checked in two halves: the Dockerfile lints
// clean, and its runtime stage is reproduced file by file in a temp folder (production install,
// only the copied paths, the build stage's JavaScript compiled into it) and booted to a green
// /healthz with no TypeScript file present, then stopped with SIGTERM.

const run = promisify(execFile)
const root = new URL('../../', import.meta.url).pathname
const dockerfile = await readFile(join(root, 'Dockerfile'), 'utf8')

function runtimeStage(): string[] {
  const lines = dockerfile.split('\n').map((line) => line.trim())
  const lastFrom = lines.findLastIndex((line) => line.startsWith('FROM '))
  return lines.slice(lastFrom)
}

async function waitForHealthy(url: string, deadline: number): Promise<Response> {
  for (;;) {
    try {
      const response = await fetch(url)
      if (response.ok) return response
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} never became healthy`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

t.test('the Dockerfile lints clean', async (t) => {
  t.same(validate(dockerfile).map((d) => `${d.range.start.line + 1}: ${d.message}`), [])
})

t.test('the runtime stage runs as a non-root user on Node 24 with a health check', async (t) => {
  const stage = runtimeStage()
  t.match(stage[0], /^FROM node:24-[a-z]+-slim AS runtime$/)
  t.ok(stage.includes('USER node'))
  t.ok(stage.some((line) => line.startsWith('HEALTHCHECK ') && line.includes('src/healthcheck.js')))
  t.ok(stage.includes(`ENTRYPOINT ["node", "${imageHeapFlag}", "src/main.js"]`), 'the entrypoint is the built JavaScript, with the heap flag the bench measured under a memory limit')
  t.ok(stage.some((line) => line.startsWith('NODE_COMPILE_CACHE=') || line.includes(' NODE_COMPILE_CACHE=')), 'the compile cache has a directory of the image')
  t.ok(dockerfile.includes('npm ci --omit=dev'))
})

t.test('the image file set installs for production and boots every role to a green /healthz', async (t) => {
  const app = await mkdtemp(join(tmpdir(), 'image-'))
  t.teardown(() => rm(app, { recursive: true, force: true }))
  await cp(join(root, 'package.json'), join(app, 'package.json'))
  await cp(join(root, 'package-lock.json'), join(app, 'package-lock.json'))
  const copies = runtimeStage().filter((line) => line.startsWith('COPY ') && !line.includes('--from'))
  for (const copy of copies) {
    // COPY <source>... <destination>: every source, at its own path (the stage's destinations mirror them).
    for (const source of copy.split(/\s+/).slice(1, -1)) await cp(join(root, source), join(app, source), { recursive: true })
  }
  // The build stage's output (`npm run build`): each workspace's dist/ and the app's mirror.
  // tsc outside tap's process tracking, whose loader hooks would wrap the compiler's own modules.
  const tsc = (...args: string[]) => run('sh', ['-c', 'unset NODE_OPTIONS; exec node_modules/.bin/tsc "$@"', 'tsc', ...args], { cwd: root, timeout: 240_000 })
  const { workspaces } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { workspaces: string[] }
  for (const folder of workspaces.map((pattern) => pattern.replace(/\/\*$/, ''))) {
    for (const name of await readdir(join(root, folder))) {
      await tsc('-p', join(root, folder, name, 'tsconfig.build.json'), '--outDir', join(app, folder, name, 'dist'))
    }
  }
  await tsc('-p', join(root, 'tsconfig.build.json'), '--outDir', app)
  await run('sh', ['-c', `find src packages/*/src -type f ! -name '*.ts' -exec cp --parents {} '${app}/' \\;`], { cwd: root })
  await run('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: app, timeout: 240_000 })
  const typeScript = (await readdir(app, { recursive: true })).filter((file) => !file.startsWith('node_modules/') && /\.[cm]?ts$/.test(file) && !file.endsWith('.d.ts'))
  t.same(typeScript, [], 'no TypeScript file in the image file set')
  await t.rejects(access(join(app, 'node_modules', 'tap')), 'dev dependencies stay out of the image')

  const [bff, service, tenantHttp, tenantHttps] = await Promise.all([freePort(), freePort(), freePort(), freePort()])
  // Without tap's NODE_OPTIONS (its loaders, and the in-repo `entra-source` condition): the image has neither.
  const child = spawn('env', ['-u', 'NODE_OPTIONS', process.execPath, imageHeapFlag, 'src/main.js'], {
    cwd: app,
    env: {
      PATH: process.env.PATH,
      BFF_PORT: String(bff),
      PROFILE_SERVICE_PORT: String(service),
      LOCAL_TENANT_HTTP_PORT: String(tenantHttp),
      LOCAL_TENANT_HTTPS_PORT: String(tenantHttps),
      LOCAL_TENANT_DATA_DIR: join(app, 'data'),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (chunk) => (output += chunk))
  child.stderr.on('data', (chunk) => (output += chunk))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  t.teardown(() => child.kill('SIGKILL'))

  const deadline = Date.now() + 30_000
  await waitForHealthy(`http://127.0.0.1:${bff}/healthz`, deadline).catch((error: Error) => { throw new Error(`${error.message}\n${output}`) })
  await waitForHealthy(`http://127.0.0.1:${service}/healthz`, deadline)
  const check = await run('env', ['-u', 'NODE_OPTIONS', process.execPath, 'src/healthcheck.js'], { cwd: app, env: { HEALTHCHECK_PORT: String(bff) } }).then(
    () => 0,
    (error: { code: number }) => error.code,
  )
  t.equal(check, 0, 'the HEALTHCHECK command passes')
  t.match(output, /Open http:\/\/localhost:\d+ in your browser/)

  child.kill('SIGTERM')
  t.equal(await exited, 0, `stops cleanly on SIGTERM\n${output}`)
})
