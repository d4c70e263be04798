import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { promisify } from 'node:util'
import t, { type Test } from 'tap'
import { loadCompose, overlaid } from '../../helpers/compose-file.ts'
import { privateNetwork } from '../../helpers/netns.ts'
import { hasPrerequisites } from '../../helpers/prerequisites.ts'

// compose.redis-sentinel.yaml run for real, without a container engine: each Redis service's own
// command (the data nodes' `command`, the Sentinels' entrypoint script) runs as a redis-server
// process inside a private network namespace whose /etc/hosts names the compose services (one
// loopback address each, so every service keeps its compose port). The BFF's connection, built
// from the BFF service's environment as at boot, runs inside it too. What Docker adds (images,
// users, read-only filesystems, health checks) is checked by test/unit/deploy/compose-redis-sentinel.test.ts.

const run = promisify(execFile)
const services = ['redis', 'redis-replica', 'redis-sentinel-1', 'redis-sentinel-2', 'redis-sentinel-3']
const address = (service: string) => `127.0.0.${services.indexOf(service) + 2}`

async function composeInNamespace(t: Test) {
  const name = `compose-sentinel-${process.pid}`
  const network = await privateNetwork(t, name)
  // ip netns exec mounts /etc/netns/<name>/hosts over /etc/hosts for what it runs (ip-netns(8)).
  const etc = `/etc/netns/${name}`
  await mkdir(etc, { recursive: true })
  t.teardown(() => rm(etc, { recursive: true, force: true }))
  await writeFile(join(etc, 'hosts'), `127.0.0.1 localhost\n${services.map((service) => `${address(service)} ${service}`).join('\n')}\n`)
  const dir = await mkdtemp(join(tmpdir(), 'compose-sentinel-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))

  const password = randomBytes(24).toString('hex')
  const env = { REDIS_PASSWORD: password, SESSION_SECRETS: randomBytes(32).toString('base64'), TOKEN_CACHE_KEYS: randomBytes(32).toString('base64') }
  const stack = overlaid(loadCompose('compose.yaml', env), loadCompose('compose.redis-sentinel.yaml', env))
  const processes = new Map<string, ChildProcess>()
  const stop = async (service: string) => {
    const child = processes.get(service)
    processes.delete(service)
    if (!child || child.exitCode !== null || child.signalCode !== null) return
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGKILL')
    await exited
  }
  t.teardown(async () => { for (const service of services) await stop(service) })

  for (const service of services) {
    const definition = stack.services[service]
    const own = join(dir, service)
    await mkdir(own)
    // Each service gets its own address (every container has its own) and its own /tmp or /data.
    const argv = definition.command
      ? ['redis-server', ...definition.command.slice(1), '--bind', address(service), '--dir', own]
      : [...definition.entrypoint!.slice(0, 2), definition.entrypoint![2].replaceAll('/tmp', own).replace('--sentinel\n', `--sentinel --bind ${address(service)}\n`)]
    const child = spawn('ip', ['netns', 'exec', name, ...argv], { env: { PATH: process.env.PATH, ...definition.environment }, stdio: ['ignore', 'ignore', 'inherit'] })
    processes.set(service, child)
  }

  const cli = (...args: string[]) => run('ip', ['netns', 'exec', name, 'redis-cli', ...args], { env: { PATH: process.env.PATH, REDISCLI_AUTH: password } }).then(({ stdout }) => stdout.trim(), () => '')
  const sentinel = (service: string, ...args: string[]) => run('ip', ['netns', 'exec', name, 'redis-cli', '-h', service, '-p', '26379', ...args]).then(({ stdout }) => stdout.trim(), () => '')
  /** What every Sentinel names as the primary, when they agree. */
  const primary = async () => {
    const named = await Promise.all(services.filter((service) => service.startsWith('redis-sentinel')).map((service) => sentinel(service, 'sentinel', 'get-master-addr-by-name', 'mymaster')))
    return named.every((answer) => answer === named[0]) ? named[0].replace('\n', ':') : undefined
  }
  const probeEnv = { PATH: process.env.PATH, ...stack.services.bff.environment }
  /** The BFF's connection, configured from the BFF service's environment, inside the namespace. */
  const bff = (...args: string[]) => run('ip', ['netns', 'exec', name, process.execPath, '--conditions=entra-source', 'test/helpers/redis-probe-cli.ts', ...args], { env: probeEnv, timeout: 20_000 }).then(({ stdout }) => stdout.trim())
  return { network, cli, sentinel, primary, stop, bff }
}

t.test('compose.redis-sentinel.yaml: the Sentinels its script configures promote the replica by name, and the BFF follows', async (t) => {
  if (!hasPrerequisites(t, { commands: ['redis-server', 'redis-cli', 'ip'], root: true, install: 'apt-get install redis-server redis-tools iproute2; run as root (ip netns)' })) return
  const compose = await composeInNamespace(t)

  let settled = false
  for (let attempt = 0; attempt < 300 && !settled; attempt++) {
    const info = await compose.sentinel('redis-sentinel-1', 'info', 'sentinel')
    settled = /slaves=1,sentinels=3/.test(info) && (await compose.primary()) === 'redis:6379'
    if (!settled) await sleep(100)
  }
  t.ok(settled, 'the three Sentinels agree on redis:6379 (by name) and know the replica and each other')
  t.equal(await compose.sentinel('redis-sentinel-2', 'sentinel', 'replicas', 'mymaster').then((answer) => answer.split('\n')[1]), 'redis-replica:6379', 'the replica by its name')

  t.equal(await compose.bff('set', 'bff:compose-check', 'before'), 'OK', 'the BFF, configured as the compose file configures it, writes through the Sentinels')
  for (let attempt = 0; attempt < 100 && (await compose.cli('-h', 'redis-replica', 'get', 'bff:compose-check')) !== 'before'; attempt++) await sleep(100)

  const killedAt = performance.now()
  await compose.stop('redis')
  let promoted: string | undefined
  for (let attempt = 0; attempt < 600 && promoted !== 'redis-replica:6379'; attempt++) {
    await sleep(100)
    promoted = await compose.primary()
  }
  const promotionMs = Math.round(performance.now() - killedAt)
  t.equal(promoted, 'redis-replica:6379', 'the Sentinels promote the replica, named as such')
  t.comment(`compose Sentinel promotion ${promotionMs} ms after the primary was killed (down-after-milliseconds 5000 as shipped)`)
  t.equal(await compose.bff('get', 'bff:compose-check'), 'before', 'the BFF reads what it wrote before, from the new primary')
  t.equal(await compose.bff('set', 'bff:compose-check', 'after'), 'OK', 'and writes there')
})
