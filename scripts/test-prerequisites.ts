import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { connect } from 'node:net'

// Before the suite: one line naming what this machine lacks for the tests and the command that
// installs it. Tests that need a missing piece are skipped with the same advice (failed under
// CI=true); this line says it once, up front, instead of in a hundred places.

interface Need { what: string; present: () => boolean | Promise<boolean>; aptPackages: string[] }

const command = (name: string) => () => {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/** Whether something answers PING at the Redis the tests use. */
function redisAnswers(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port || 6379) })
    const done = (answer: boolean) => {
      socket.destroy()
      resolve(answer)
    }
    socket.setTimeout(1_000, () => done(false))
    socket.once('error', () => done(false))
    socket.once('connect', () => socket.write('PING\r\n'))
    socket.once('data', (data) => done(data.toString().startsWith('+PONG') || data.toString().startsWith('-NOAUTH')))
  })
}

const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'
const needs: Need[] = [
  { what: `a Redis at ${redisUrl}`, present: () => redisAnswers(redisUrl), aptPackages: ['redis-server'] },
  { what: 'Chromium', present: () => existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'), aptPackages: ['chromium'] },
  { what: 'nginx', present: () => existsSync('/usr/sbin/nginx'), aptPackages: ['nginx-light'] },
  { what: 'certutil', present: command('certutil'), aptPackages: ['libnss3-tools'] },
  { what: 'podman, buildah and debootstrap', present: () => ['podman', 'buildah', 'debootstrap'].every((name) => command(name)()), aptPackages: ['podman', 'buildah', 'debootstrap', 'debian-archive-keyring'] },
]

const missing: Need[] = []
for (const need of needs) if (!(await need.present())) missing.push(need)
const notRoot = process.getuid?.() !== 0
if (missing.length > 0 || notRoot) {
  const packages = missing.flatMap((need) => need.aptPackages)
  const parts = [
    ...(missing.length > 0 ? [`missing ${missing.map((need) => need.what).join(', ')}: apt-get install ${packages.join(' ')}${packages.includes('redis-server') ? ' && redis-server --daemonize yes' : ''}`] : []),
    ...(notRoot ? ['not root: the image and network-namespace tests need it'] : []),
  ]
  const consequence = process.env.CI === 'true' ? 'the tests that need them fail (CI=true)' : 'the tests that need them are skipped'
  console.error(`npm test: ${parts.join('; ')} (${consequence}; .ci/run installs everything as root)`)
}
