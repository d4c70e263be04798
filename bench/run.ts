import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, release, tmpdir, totalmem, type } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { request } from 'undici'
import { freePort } from '../harness/ports.ts'
import { startChildRole, type ChildRole } from './child-role.ts'
import { checkBudget, readBudget } from './check.ts'
import { cpuOverDirectPerRound, measureInterleaved, ratioPerRound, type LoadOptions, type Scenario, type ScenarioRequest } from './load.ts'
import { redisFootprint } from './redis-footprint.ts'
import { type RedisTopologyName, redisTopologies } from './redis-topology.ts'
import { parseMemorySize } from './memory-cgroup.ts'
import { markdown, type BenchResults } from './report.ts'
import type { SignedInSession } from './roles/upstreams.ts'
import { buildApp, startUp, type StartUp, type StartUpRole } from './start-up.ts'

// `npm run bench [-- --quick] [--users N] [--rounds R] [--duration S] [--warmup S] [--connections C] [--cpu-prof] [--scenarios a,b] [--check] [--tracing] [--skip-start-to-ready]`
// `npm run bench -- --scenario mixed [--users N] [--duration S] [--connections C] [--bff-memory-max SIZE] [--service-memory-max SIZE] [--redis single|cluster|sentinel|tls]`
// Tenant + edit profile service in one child process, the BFF in another, the baselines in a
// third; autocannon here. Results go to bench/results/latest.{json,md}. `--check` compares them
// with bench/budget.json and exits 1 when a budget is broken by more than the measured spread.
// `--scenario mixed` is the load test of two replicas on Redis instead (bench/mixed.ts), on the
// shared node or, with `--redis`, a Cluster, Sentinel or mTLS Redis the run starts and stops.

const { values: flags } = parseArgs({
  options: {
    'quick': { type: 'boolean', default: false },
    'users': { type: 'string' },
    'duration': { type: 'string' },
    'warmup': { type: 'string' },
    'connections': { type: 'string' },
    'cpu-prof': { type: 'boolean', default: false },
    'results-dir': { type: 'string' },
    'scenarios': { type: 'string' },
    'tracing': { type: 'boolean', default: false },
    'skip-start-to-ready': { type: 'boolean', default: false },
    'rounds': { type: 'string' },
    'check': { type: 'boolean', default: false },
    'scenario': { type: 'string' },
    'bff-memory-max': { type: 'string' },
    'service-memory-max': { type: 'string' },
    'redis': { type: 'string' },
  },
})
const quick = flags.quick
const setting = (flag: string | undefined, envName: string, normal: number, quickValue: number) => Number(flag ?? process.env[envName] ?? (quick ? quickValue : normal))
const mixed = flags.scenario === 'mixed'
if (flags['bff-memory-max'] !== undefined && !mixed) throw new Error('--bff-memory-max applies to --scenario mixed')
if (flags['service-memory-max'] !== undefined && !mixed) throw new Error('--service-memory-max applies to --scenario mixed')
if (flags.redis !== undefined && !mixed) throw new Error('--redis applies to --scenario mixed')
const redisTopology = (flags.redis ?? 'single') as RedisTopologyName
if (!redisTopologies.includes(redisTopology)) throw new Error(`unknown --redis ${flags.redis}: one of ${redisTopologies.join(', ')}`)
if (flags.scenario !== undefined && !mixed) throw new Error(`unknown --scenario ${flags.scenario}: the only one is "mixed" (use --scenarios for the others)`)
// Quick: twice as many users as connections, so every save finds a session without one in flight.
const users = setting(flags.users, 'BENCH_USERS', mixed ? 100 : 200, 10)
const load: LoadOptions = {
  durationSeconds: setting(flags.duration, 'BENCH_DURATION', 5, 0.5),
  warmupSeconds: setting(flags.warmup, 'BENCH_WARMUP', 2, 0),
  connections: setting(flags.connections, 'BENCH_CONNECTIONS', 20, 5),
  rounds: setting(flags.rounds, 'BENCH_ROUNDS', 6, 2),
}
const logLevel = process.env.BENCH_LOG_LEVEL ?? 'warn'
const resultsDir = flags['results-dir'] ?? new URL('./results/', import.meta.url).pathname
const workDir = mkdtempSync(join(tmpdir(), 'bench-run-'))
const cpuProfDir = flags['cpu-prof'] ? join(resultsDir, 'profiles') : undefined
if (cpuProfDir) mkdirSync(cpuProfDir, { recursive: true })
const roleScript = (name: string) => new URL(`./roles/${name}.ts`, import.meta.url)
const roleOptions = (name: string) => ({ logFile: join(workDir, `${name}.log`), cpuProfDir, env: { BENCH_USERS: String(users), BENCH_LOG_LEVEL: logLevel } })
const progress = (line: string) => process.stderr.write(`bench: ${line}\n`)

const started: ChildRole[] = []
async function start(name: string, extra: { script?: string; env?: Record<string, string>; input?: unknown; cgroupProcs?: string } = {}) {
  const options = roleOptions(name)
  const role = await startChildRole(name, roleScript(extra.script ?? name), { ...options, ...extra, env: { ...options.env, ...extra.env } })
  started.push(role)
  return role
}

/** One request by hand before the load: a scenario that does not answer 200 is a broken setup, not a result. */
async function check(url: string, scenario: ScenarioRequest, expectText: string) {
  const response = await request(`${url}${scenario.path}`, { method: scenario.method, headers: scenario.headers, body: scenario.body })
  const body = await response.body.text()
  if (response.statusCode !== 200 || !body.includes(expectText)) throw new Error(`${scenario.method} ${scenario.path} answered ${response.statusCode} without "${expectText}"`)
}

function roundRobin<T>(sessions: T[], build: (session: T, index: number, round: number) => ScenarioRequest) {
  let calls = 0
  return () => {
    const index = calls % sessions.length
    const round = Math.floor(calls / sessions.length)
    calls++
    return build(sessions[index], index, round)
  }
}

/**
 * Round robin over the sessions that have no save in flight: two saves of one session at once
 * would be two editors changing one field, which the service answers with a 409 conflict. A save
 * the load generator cut off at the end of a run may still finish on the server, so its session
 * sits out the next run too. Hence twice as many sessions as connections in the quick run.
 */
function oneSaveAtATime<T>(sessions: T[], build: (session: T, index: number, round: number) => ScenarioRequest) {
  const inFlight = new Set<number>()
  let cutOff = new Set<number>()
  let calls = 0
  const busy = (index: number) => inFlight.has(index) || cutOff.has(index)
  const next = (request?: Record<string, unknown>) => {
    let index = calls % sessions.length
    for (let tries = 0; busy(index) && tries < sessions.length; tries++) index = ++calls % sessions.length
    const round = Math.floor(calls / sessions.length)
    calls++
    if (request) {
      inFlight.add(index)
      request.session = index
    }
    return build(sessions[index], index, round)
  }
  const answered = (request: Record<string, unknown>) => {
    inFlight.delete(request.session as number)
  }
  const finished = () => {
    cutOff = new Set(inFlight)
    inFlight.clear()
  }
  return { next, answered, finished }
}

const cookieValueOf = (session: SignedInSession) => session.cookie.slice(session.cookie.indexOf('=') + 1)

const htmx = { 'hx-request': 'true', 'hx-request-type': 'partial' }

async function main(): Promise<BenchResults> {
  const loadAtStart = loadavg()
  // --tracing: every role exports all its spans (100 % sampling, OTLP http/protobuf) to a local sink.
  let tracingEnv: Record<string, string> = {}
  if (flags.tracing) {
    const sink = await start('otlp-sink')
    tracingEnv = { OTEL_EXPORTER_OTLP_ENDPOINT: sink.ready.url as string, OTEL_TRACES_SAMPLER: 'always_on', OTEL_METRICS_EXPORTER: 'none' }
  }
  progress(`starting the tenant (${users} users) and the edit profile service; logs in ${workDir}`)
  const upstreams = await start('upstreams', { env: tracingEnv })
  const { serviceUrl, dataDir, graphBaseUrl } = upstreams.ready as { serviceUrl: string; dataDir: string; graphBaseUrl: string }

  const bffPort = await freePort()
  await upstreams.ask('registerBff', { redirectUri: `http://localhost:${bffPort}/auth/redirect`, postLogoutRedirectUri: `http://localhost:${bffPort}/` })
  const bff = await start('bff', { env: { ...tracingEnv, BENCH_BFF_PORT: String(bffPort), BENCH_SERVICE_URL: serviceUrl, BENCH_TENANT_DATA_DIR: dataDir } })
  const bffUrl = bff.ready.url as string

  progress(`signing in ${users} users with MFA step-up through the real flow`)
  const signInStarted = performance.now()
  const sessions = await upstreams.ask<SignedInSession[]>('signInUsers', { bffUrl, concurrency: 4 })
  progress(`signed in ${sessions.length} users in ${Math.round(performance.now() - signInStarted)} ms`)

  const connection = JSON.parse(readFileSync(join(dataDir, 'connection.json'), 'utf8')) as { authority: string; caCertificatePem: string }
  const graphToken = await upstreams.ask<string>('graphToken')
  // The floors' sessions: copies, one per user, of a real signed-in session as the BFF holds it.
  const { sessionJson } = await bff.ask<{ sessionJson: string }>('footprint', { cookieValue: cookieValueOf(sessions[0]) })
  const floors = { sessionJson, users: sessions.length, authority: connection.authority }
  const baselines = await start('baselines', { input: { graphToken, graphBaseUrl, caCertificatePem: connection.caCertificatePem, floors } })
  const baselineUrl = baselines.ready.url as string
  const floorCookies = baselines.ready.floorCookies as string[]

  const plain = () => ({ method: 'GET' as const, path: '/ceiling', headers: {} })
  const saves = oneSaveAtATime(sessions, (session, index, round) => ({
    method: 'PATCH', path: '/profile',
    headers: { 'cookie': session.cookie, 'x-csrf-token': session.csrfToken, 'content-type': 'application/x-www-form-urlencoded', ...htmx },
    body: new URLSearchParams({ displayName: `Bench User ${index} r${round}`, givenName: 'Bench', surname: `User ${index}` }).toString(),
  }))
  const scenarios: [string, string, Scenario['next'], string][] = [
    ['ceiling', baselineUrl, plain, 'Bench User 0'],
    ['direct', baselineUrl, () => ({ method: 'GET', path: '/direct', headers: {} }), 'Bench User 0'],
    ['floor', baselineUrl, roundRobin(floorCookies, (cookie) => ({ method: 'GET', path: '/floor', headers: { cookie } })), 'Bench User'],
    ['session-floor', baselineUrl, roundRobin(floorCookies, (cookie) => ({ method: 'GET', path: '/session-floor', headers: { cookie } })), 'Bench User'],
    ['profile-page', bffUrl, roundRobin(sessions, (session) => ({ method: 'GET', path: '/profile', headers: { cookie: session.cookie } })), 'Bench User'],
    ['editor-fragment', bffUrl, roundRobin(sessions, (session) => ({ method: 'GET', path: '/profile/editor', headers: { cookie: session.cookie, ...htmx } })), 'name="displayName"'],
    ['save', bffUrl, saves.next, 'Your profile was saved.'],
  ]
  const chosen = flags.scenarios?.split(',')
  // And this process: autocannon shares the two cores with the roles, so its CPU per request is
  // part of what every answer costs the machine (the "all processes" figure of the report).
  const meters = [
    ...[upstreams, bff, baselines].map((role) => ({ name: role.name, cpuUsage: () => role.ask<NodeJS.CpuUsage>('cpuUsage') })),
    { name: 'load-generator', cpuUsage: async () => process.cpuUsage() },
  ]
  const selected: Scenario[] = []
  for (const [name, url, next, expectText] of scenarios.filter(([name]) => !chosen || chosen.includes(name))) {
    await check(url, next(), expectText)
    selected.push({ name, url, next, ...(next === saves.next ? { answered: saves.answered, finished: saves.finished } : {}) })
  }
  const results = await measureInterleaved(selected, load, meters, progress)

  progress('weighing one session and timing start-to-ready')
  const weighed = await bff.ask<{ sessionJson: string; sessionBytes: number; tokenCacheJson: string; tokenCacheBytes: number }>('footprint', { cookieValue: cookieValueOf(sessions[0]) })
  const inRedis = await redisFootprint(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', weighed)

  const roleEnv = { LOCAL_TENANT_DATA_DIR: dataDir, PROFILE_SERVICE_URL: serviceUrl }
  const startUps: Record<StartUpRole, StartUp[]> = { 'hello-world': [], 'bff': [], 'profile-service': [] }
  const startUpRoles = Object.keys(startUps) as StartUpRole[]
  if (!flags['skip-start-to-ready']) {
    const app = await buildApp(workDir)
    // The first start of each fills the compile cache, as the image's build does: not counted.
    for (const role of startUpRoles) await startUp(role, app, roleEnv)
    for (let run = 0; run < (quick ? 1 : 3); run++) {
      for (const role of startUpRoles) startUps[role].push(await startUp(role, app, roleEnv))
    }
  }
  const perRole = (figure: (start: StartUp, run: number) => number) =>
    Object.fromEntries(startUpRoles.map((role) => [role, startUps[role].map(figure)]))

  const memory = { sessionBytes: weighed.sessionBytes, tokenCacheBytes: weighed.tokenCacheBytes, totalBytes: weighed.sessionBytes + weighed.tokenCacheBytes }
  const redis = 'unavailable' in inRedis ? inRedis : { ...inRedis, totalBytes: inRedis.sessionBytes + inRedis.tokenCacheBytes }
  // Every scenario but the two references, over `direct`; its CPU is the process serving it
  // (the baselines for the floors, the BFF for the rest).
  const overDirect = selected.filter((scenario) => scenario.name !== 'ceiling' && scenario.name !== 'direct')
  const ratios = Object.fromEntries(overDirect.map(({ name }) => [name, ratioPerRound(results, name)]))
  const bffScenarios = selected.filter((scenario) => scenario.url === bffUrl)
  const ratiosOverSessionFloor = Object.fromEntries(bffScenarios.map(({ name }) => [name, ratioPerRound(results, name, 'session-floor')]))
  const cpuOverDirect = Object.fromEntries(overDirect.map(({ name, url }) => [name, cpuOverDirectPerRound(results, name, url === bffUrl ? bff.name : baselines.name)]))
  const failures = Object.entries(results).map(([name, r]) => [name, r.non2xx + r.errors + r.timeouts] as const)
  const cpu = cpus()
  return {
    ranAt: new Date().toISOString(),
    machine: {
      cpu: cpu[0]?.model ?? 'unknown', cores: cpu.length, memoryGb: Math.round(totalmem() / 2 ** 30), os: `${type()} ${release()}`, node: process.versions.node,
      load: { atStart: loadAtStart, atEnd: loadavg() },
    },
    settings: { users, ...load, logLevel, tracing: flags.tracing },
    scenarios: results,
    ratios,
    ratiosOverSessionFloor,
    cpuOverDirect,
    sessionFootprint: { memory, redis },
    startToReadyMs: perRole((start) => start.readyMs),
    idleRssBytes: perRole((start) => start.idleRssBytes),
    startToReadyOverHelloWorld: perRole((start, run) => Math.round((start.readyMs / startUps['hello-world'][run].readyMs) * 100) / 100),
    targets: [
      { name: 'zero errors', met: failures.every(([, count]) => count === 0), detail: failures.map(([name, count]) => `${name} ${count}`).join(', ') },
    ],
  }
}

async function mainMixed() {
  const { runMixed, mixedMarkdown } = await import('./mixed.ts')
  const bffMemoryMaxBytes = flags['bff-memory-max'] === undefined ? undefined : parseMemorySize(flags['bff-memory-max'])
  const serviceMemoryMaxBytes = flags['service-memory-max'] === undefined ? undefined : parseMemorySize(flags['service-memory-max'])
  const results = await runMixed({ users, durationSeconds: setting(flags.duration, 'BENCH_DURATION', 60, 5), connections: setting(flags.connections, 'BENCH_CONNECTIONS', 50, 10), logLevel, redis: redisTopology, bffMemoryMaxBytes, serviceMemoryMaxBytes }, start, progress)
  mkdirSync(resultsDir, { recursive: true })
  const table = mixedMarkdown(results)
  writeFileSync(join(resultsDir, 'mixed.json'), `${JSON.stringify(results, null, 2)}\n`)
  writeFileSync(join(resultsDir, 'mixed.md'), table)
  process.stdout.write(table)
  const { non2xx, transport, timeouts, wrongAnswers, crossUser, lostUpdates } = results.errors
  const oomKills = Object.values(results.memory ?? {}).reduce((total, memory) => total + memory.oomKills, 0)
  if (non2xx + transport + timeouts + wrongAnswers + crossUser + lostUpdates + oomKills > 0) process.exitCode = 1
}

try {
  if (mixed) {
    await mainMixed()
  } else {
    const results = await main()
    results.budget = checkBudget(results, readBudget())
    mkdirSync(resultsDir, { recursive: true })
    const table = markdown(results)
    writeFileSync(join(resultsDir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`)
    writeFileSync(join(resultsDir, 'latest.md'), table)
    process.stdout.write(table)
    if (results.targets.some((target) => !target.met)) process.exitCode = 1
    if (flags.check && results.budget.some((verdict) => verdict.verdict === 'fail' || verdict.verdict === 'not measured')) {
      process.stderr.write('bench: a budget in bench/budget.json is broken by more than the measured spread, or was not measured\n')
      process.exitCode = 1
    }
  }
} catch (error) {
  process.stderr.write(`bench failed: ${(error as Error).stack}\n(role logs in ${workDir})\n`)
  process.exitCode = 1
} finally {
  for (const role of started.reverse()) await role.stop()
}
