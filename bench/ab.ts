import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { freePort } from '../harness/ports.ts'
import { startChildRole, type ChildRole } from './child-role.ts'
import { measureInterleaved, spread } from './load.ts'
import type { SignedInSession } from './roles/upstreams.ts'

// `node bench/ab.ts <other-checkout> [--users N] [--rounds R] [--duration S]`: the BFF of another
// checkout of this repository (e.g. `git archive <commit> | tar -x -C /tmp/before`, with its
// node_modules linked) and this one's, as two processes in one harness, profile page against
// profile page with `direct`, in interleaved rounds. On a busy machine this is how a change to
// the BFF's CPU per page is told from noise: both BFFs see the same load, seconds apart.

const { values: flags, positionals } = parseArgs({
  allowPositionals: true,
  options: { users: { type: 'string', default: '50' }, rounds: { type: 'string', default: '6' }, duration: { type: 'string', default: '5' } },
})
const other = resolve(positionals[0] ?? '')
const otherBff = join(other, 'bench/roles/bff.ts')
if (!positionals[0] || !existsSync(otherBff)) throw new Error('usage: node bench/ab.ts <other-checkout> (a tree with bench/roles/bff.ts and node_modules)')

const workDir = mkdtempSync(join(tmpdir(), 'bench-ab-'))
const env = { BENCH_USERS: flags.users, BENCH_LOG_LEVEL: 'warn' }
const started: ChildRole[] = []
async function start(name: string, script: URL, extra: { env?: Record<string, string>; input?: unknown } = {}) {
  const role = await startChildRole(name, script, { logFile: join(workDir, `${name}.log`), env: { ...env, ...extra.env }, input: extra.input })
  started.push(role)
  return role
}
const progress = (line: string) => process.stderr.write(`ab: ${line}\n`)

try {
  const loadAtStart = loadavg()
  const upstreams = await start('upstreams', new URL('./roles/upstreams.ts', import.meta.url))
  const { serviceUrl, dataDir, graphBaseUrl } = upstreams.ready as Record<string, string>
  const bffs: { name: string; role: ChildRole; sessions: SignedInSession[] }[] = []
  for (const [name, script] of [['this', new URL('./roles/bff.ts', import.meta.url)], ['other', new URL(`file://${otherBff}`)]] as const) {
    const port = await freePort()
    await upstreams.ask('registerBff', { redirectUri: `http://localhost:${port}/auth/redirect`, postLogoutRedirectUri: `http://localhost:${port}/` })
    const role = await start(`bff-${name}`, script, { env: { BENCH_BFF_PORT: String(port), BENCH_SERVICE_URL: serviceUrl, BENCH_TENANT_DATA_DIR: dataDir } })
    progress(`signing in ${flags.users} users on the ${name} BFF`)
    bffs.push({ name, role, sessions: await upstreams.ask<SignedInSession[]>('signInUsers', { bffUrl: role.ready.url, concurrency: 4 }) })
  }
  const connection = JSON.parse(readFileSync(join(dataDir, 'connection.json'), 'utf8')) as { caCertificatePem: string }
  const graphToken = await upstreams.ask<string>('graphToken')
  const baselines = await start('baselines', new URL('./roles/baselines.ts', import.meta.url), { input: { graphToken, graphBaseUrl, caCertificatePem: connection.caCertificatePem } })
  const pages = (sessions: SignedInSession[]) => {
    let calls = 0
    return () => ({ method: 'GET' as const, path: '/profile', headers: { cookie: sessions[calls++ % sessions.length].cookie } })
  }
  const meters = [upstreams, ...bffs.map((bff) => bff.role), baselines].map((role) => ({ name: role.name, cpuUsage: () => role.ask<NodeJS.CpuUsage>('cpuUsage') }))
  const results = await measureInterleaved([
    { name: 'direct', url: baselines.ready.url as string, next: () => ({ method: 'GET', path: '/direct', headers: {} }) },
    ...bffs.map((bff) => ({ name: `page-${bff.name}`, url: bff.role.ready.url as string, next: pages(bff.sessions) })),
  ], { connections: 20, durationSeconds: Number(flags.duration), warmupSeconds: 2, rounds: Number(flags.rounds) }, meters, progress)
  const cpu = (name: string, round: number) => results[`page-${name}`].rounds[round].cpuMsPerRequest[`bff-${name}`]
  const rounds = results.direct.rounds.map((direct, round) => ({ thisMs: cpu('this', round), otherMs: cpu('other', round), baselineMs: direct.cpuMsPerRequest.baselines }))
  const summary = {
    loadAtStart, loadAtEnd: loadavg(),
    bffCpuMsPerPage: { this: spread(rounds.map((r) => r.thisMs)), other: spread(rounds.map((r) => r.otherMs)) },
    thisOverOther: spread(rounds.map((r) => r.thisMs / r.otherMs)),
    overBaseline: { this: spread(rounds.map((r) => r.thisMs / r.baselineMs)), other: spread(rounds.map((r) => r.otherMs / r.baselineMs)) },
    rounds,
  }
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`)
} catch (error) {
  process.stderr.write(`ab failed: ${(error as Error).stack}\n(role logs in ${workDir})\n`)
  process.exitCode = 1
} finally {
  for (const role of started.reverse()) await role.stop()
}
