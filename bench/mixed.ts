import { randomBytes } from 'node:crypto'
import { cpus, loadavg } from 'node:os'
import autocannon from 'autocannon'
import { request } from 'undici'
import { freePort } from '../harness/ports.ts'
import type { ChildRole } from './child-role.ts'
import { spread, type Spread } from './load.ts'
import { createMemoryCgroup } from './memory-cgroup.ts'
import { type RedisTopologyName, startBenchRedis } from './redis-topology.ts'
import type { SignedInSession } from './roles/upstreams.ts'

// `npm run bench -- --scenario mixed [--users N] [--duration S] [--connections C] [--bff-memory-max SIZE] [--service-memory-max SIZE] [--redis single|cluster|sentinel|tls]`:
// the load test of issue 13 item 7. N users signed in with MFA, two BFF replicas on one Redis
// (`--redis`: the shared node, or a Cluster, Sentinel setup or mTLS node of the run's own), 70 % profile
// page / 20 % htmx editor / 10 % htmx save, half the connections on each replica. Every answer
// is read: it must be a 200 showing only its own user's name and address (0 cross-user data),
// and after the load each user's profile must be the last save acknowledged (0 lost updates).
// At most one save per user is in flight, so "last acknowledged" is well defined.

export interface MixedOptions {
  users: number
  durationSeconds: number
  connections: number
  logLevel: string
  /** `--redis`: the topology both replicas share (bench/redis-topology.ts). */
  redis: RedisTopologyName
  /** `--bff-memory-max`: each BFF replica in a memory cgroup of its own with this limit, bytes. */
  bffMemoryMaxBytes?: number
  /** `--service-memory-max`: the edit profile service in a process and memory cgroup of its own with this limit, bytes. */
  serviceMemoryMaxBytes?: number
}

/** Node's heap sized from the container's limit, as the image's ENTRYPOINT starts Node. */
export const imageHeapFlag = '--max-old-space-size-percentage=50'

interface ReplicaMemory { limitBytes: number; peakBytes: number; oomKills: number; cgroupVersion: 1 | 2; nodeOptions: string }

type Kind = 'page' | 'editor' | 'save'

interface Window { atSeconds: number; requests: number; p50Ms: number; p99Ms: number; rssMb: Record<string, number> }

export interface MixedResults {
  ranAt: string
  machine: { cores: number; load: { atStart: number[]; atEnd: number[] } }
  settings: MixedOptions & { replicas: number; mix: Record<Kind, number> }
  /** The topology, in words. */
  redis: string
  signInSeconds: number
  requests: Record<Kind, number>
  latencyMs: Record<Kind | 'all', { p50: number; p99: number }>
  errors: { non2xx: number; transport: number; timeouts: number; wrongAnswers: number; crossUser: number; lostUpdates: number }
  /** Users whose last acknowledged save was read back after the load. */
  updatesChecked: number
  examples: string[]
  overTime: Window[]
  rssMb: Record<string, Spread>
  /** With `--bff-memory-max` / `--service-memory-max`: each capped role's cgroup, its peak charge and the OOM killer's count. */
  memory?: Record<string, ReplicaMemory>
}

const htmx = { 'hx-request': 'true', 'hx-request-type': 'partial' }
const percentile = (sorted: number[], p: number) => (sorted.length ? Number(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))].toFixed(1)) : Number.NaN)

function pick(): Kind {
  const roll = Math.random()
  return roll < 0.7 ? 'page' : roll < 0.9 ? 'editor' : 'save'
}

/** Users named in an answer (address or name); each answer must name its own user only. */
function usersNamed(body: string): Set<number> {
  const named = new Set<number>()
  for (const match of body.matchAll(/bench-user-(\d+)@contoso\.test|Bench User (\d+)|User (\d+) s\d+/g)) named.add(Number(match[1] ?? match[2] ?? match[3]))
  return named
}

type Start = (name: string, extra?: { script?: string; env?: Record<string, string>; input?: unknown; cgroupProcs?: string }) => Promise<ChildRole>

export async function runMixed(options: MixedOptions, start: Start, progress: (line: string) => void): Promise<MixedResults> {
  const loadAtStart = loadavg()
  const prefix = `bench-mixed-${process.pid}-${randomBytes(4).toString('hex')}:`
  if (options.redis !== 'single') progress(`starting ${options.redis} Redis on loopback ports`)
  const redis = await startBenchRedis(options.redis, prefix)
  const replicaNames = ['bff-a', 'bff-b']
  const limits: [string, number][] = [
    ...(options.bffMemoryMaxBytes === undefined ? [] : replicaNames.map((name): [string, number] => [name, options.bffMemoryMaxBytes!])),
    ...(options.serviceMemoryMaxBytes === undefined ? [] : [['profile-service', options.serviceMemoryMaxBytes] as [string, number]]),
  ]
  const cgroupOf = new Map(limits.map(([name, bytes]) => [name, createMemoryCgroup(`bench-${process.pid}-${name}`, bytes)]))
  const cgroups = [...cgroupOf.values()]
  // The image's heap flag added to the bench's own options (which resolve the workspace packages to their sources).
  const heapOptions = { NODE_OPTIONS: [process.env.NODE_OPTIONS, imageHeapFlag].filter(Boolean).join(' ') }
  const replicas: ChildRole[] = []
  let service: ChildRole | undefined
  try {
    progress(`starting the tenant (${options.users} users) and the edit profile service`)
    const upstreams = await start('upstreams')
    const { dataDir } = upstreams.ready as { dataDir: string }
    let { serviceUrl } = upstreams.ready as { serviceUrl: string }
    const serviceCgroup = cgroupOf.get('profile-service')
    if (serviceCgroup) {
      service = await start('profile-service', { script: 'profile-service', env: { ...heapOptions, BENCH_TENANT_DATA_DIR: dataDir }, cgroupProcs: serviceCgroup.procs })
      serviceUrl = service.ready.url as string
      progress(`the edit profile service in a cgroup v${serviceCgroup.version} of its own, limit ${serviceCgroup.limitBytes} bytes`)
    }
    const shared = {
      BENCH_REDIS: JSON.stringify(redis.env), BENCH_REDIS_KEY_PREFIX: prefix, BENCH_SERVICE_URL: serviceUrl, BENCH_TENANT_DATA_DIR: dataDir,
      BENCH_SESSION_SECRETS: randomBytes(32).toString('base64url'), BENCH_TOKEN_CACHE_KEYS: randomBytes(32).toString('base64'),
    }
    for (const name of replicaNames) {
      const port = await freePort()
      await upstreams.ask('registerBff', { redirectUri: `http://localhost:${port}/auth/redirect`, postLogoutRedirectUri: `http://localhost:${port}/` })
      const cgroup = cgroupOf.get(name)
      replicas.push(await start(name, { script: 'bff', env: { ...shared, ...(cgroup ? heapOptions : {}), BENCH_BFF_PORT: String(port) }, cgroupProcs: cgroup?.procs }))
    }
    if (options.bffMemoryMaxBytes !== undefined) progress(`each replica in a cgroup of its own, limit ${options.bffMemoryMaxBytes} bytes, Node started with ${imageHeapFlag}`)
    const urls = replicas.map((replica) => replica.ready.url as string)

    progress(`signing in ${options.users} users with MFA step-up on replica a`)
    const signInStarted = performance.now()
    const sessions = await upstreams.ask<SignedInSession[]>('signInUsers', { bffUrl: urls[0], concurrency: 4 })
    const signInSeconds = Number(((performance.now() - signInStarted) / 1000).toFixed(1))
    progress(`signed in ${sessions.length} users in ${signInSeconds} s`)

    const latencies: Record<Kind, number[]> = { page: [], editor: [], save: [] }
    const requests: Record<Kind, number> = { page: 0, editor: 0, save: 0 }
    const errors = { non2xx: 0, transport: 0, timeouts: 0, wrongAnswers: 0, crossUser: 0, lostUpdates: 0 }
    const examples: string[] = []
    const note = (line: string) => { if (examples.length < 10) examples.push(line) }
    const savesInFlight = new Set<number>()
    const saveCount = new Array<number>(sessions.length).fill(0)
    const acknowledged = new Array<string | undefined>(sessions.length).fill(undefined)
    let nextUser = 0
    let window: { started: number; latencies: number[] } = { started: performance.now(), latencies: [] }

    interface Context { kind?: Kind; user?: number; sentAt?: number; displayName?: string }
    const setupRequest = (raw: Record<string, unknown>, context: Context) => {
      let kind = pick()
      let user = nextUser++ % sessions.length
      if (kind === 'save') {
        // One save per user at a time: otherwise "the last acknowledged save" has no order.
        for (let tries = 0; savesInFlight.has(user) && tries < sessions.length; tries++) user = nextUser++ % sessions.length
        if (savesInFlight.has(user)) kind = 'page'
      }
      const session = sessions[user]
      context.kind = kind
      context.user = user
      context.sentAt = performance.now()
      if (kind === 'page') return { ...raw, method: 'GET', path: '/profile', headers: { cookie: session.cookie }, body: undefined }
      if (kind === 'editor') return { ...raw, method: 'GET', path: '/profile/editor', headers: { cookie: session.cookie, ...htmx }, body: undefined }
      savesInFlight.add(user)
      context.displayName = `Bench User ${user} s${++saveCount[user]}`
      return {
        ...raw, method: 'PATCH', path: '/profile',
        headers: { 'cookie': session.cookie, 'x-csrf-token': session.csrfToken, 'content-type': 'application/x-www-form-urlencoded', ...htmx },
        body: new URLSearchParams({ displayName: context.displayName, givenName: 'Bench', surname: `User ${user}` }).toString(),
      }
    }
    const onResponse = (status: number, body: string, context: Context) => {
      const { kind, user, sentAt } = context
      if (kind === undefined || user === undefined || sentAt === undefined) return
      const ms = performance.now() - sentAt
      latencies[kind].push(ms)
      window.latencies.push(ms)
      requests[kind]++
      if (kind === 'save') savesInFlight.delete(user)
      if (status !== 200) {
        errors.non2xx++
        note(`${kind} for user ${user}: ${status}`)
        return
      }
      const expected = kind === 'page' ? `bench-user-${user}@contoso.test` : kind === 'editor' ? 'name="displayName"' : 'Your profile was saved.'
      if (!body.includes(expected)) {
        errors.wrongAnswers++
        note(`${kind} for user ${user}: no "${expected}"`)
      }
      const others = [...usersNamed(body)].filter((named) => named !== user)
      if (others.length > 0) {
        errors.crossUser++
        note(`${kind} for user ${user} named user(s) ${others.join(', ')}`)
      }
      if (kind === 'save' && context.displayName) acknowledged[user] = context.displayName
    }

    const allRoles = [upstreams, ...replicas, ...(service ? [service] : [])]
    const names = ['upstreams', 'bff-a', 'bff-b', ...(service ? ['profile-service'] : [])]
    // A replica the OOM killer took answers nothing: its RSS is missing from then on.
    const rssOf = (role: ChildRole) => role.ask<NodeJS.MemoryUsage>('memoryUsage').then((usage) => Math.round(usage.rss / 2 ** 20), () => Number.NaN)
    const rss = async () => {
      for (const cgroup of cgroups) cgroup.peakBytes()
      return Object.fromEntries(await Promise.all(allRoles.map(async (role, index) => [names[index], await rssOf(role)] as const)))
    }
    const overTime: Window[] = []
    const loadStarted = performance.now()
    const windowSeconds = Math.max(1, Math.min(10, Math.round(options.durationSeconds / 12)))
    const sampler = setInterval(async () => {
      const closed = window
      window = { started: performance.now(), latencies: [] }
      const sorted = closed.latencies.sort((a, b) => a - b)
      overTime.push({ atSeconds: Math.round((performance.now() - loadStarted) / 1000), requests: sorted.length, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99), rssMb: await rss() })
    }, windowSeconds * 1000)

    progress(`load: ${options.connections} connections over 2 replicas for ${options.durationSeconds} s (70 % page / 20 % editor / 10 % save); RSS and latency every ${windowSeconds} s`)
    const perReplica = Math.max(1, Math.floor(options.connections / 2))
    const runs = await Promise.all(urls.map((url) => autocannon({
      // Past the BFF's own 20 s response deadline: every request gets the BFF's answer, and a
      // timeout here means the BFF broke its deadline.
      url, connections: perReplica, duration: options.durationSeconds, timeout: 30,
      requests: [{ setupRequest: setupRequest as never, onResponse: onResponse as never }],
    })))
    clearInterval(sampler)
    errors.timeouts = runs.reduce((total, run) => total + run.timeouts, 0)
    // autocannon counts a timeout as an error too.
    errors.transport = runs.reduce((total, run) => total + run.errors, 0) - errors.timeouts
    // autocannon stops with requests still in flight: their saves were never acknowledged, and
    // may or may not have landed. Wait for them to settle before reading profiles.
    await new Promise((resolve) => setTimeout(resolve, 1_000))

    progress('checking that every user\'s profile holds its last acknowledged save')
    let updatesChecked = 0
    for (const [index, session] of sessions.entries()) {
      const last = acknowledged[index]
      if (last === undefined) continue
      updatesChecked++
      const response = await request(`${urls[index % 2]}/profile`, { headers: { cookie: session.cookie } })
      const body = await response.body.text()
      if (response.statusCode !== 200 || !body.includes(last)) {
        // A later save that autocannon cut off may have landed (or land after this read): only an
        // older value than the last acknowledged one is a loss.
        const shown = body.match(new RegExp(`Bench User ${index} s(\\d+)`))
        const lastNumber = Number(last.split(' s').pop())
        if (!shown || Number(shown[1]) < lastNumber) {
          errors.lostUpdates++
          note(`user ${index}: last acknowledged "${last}", page shows ${shown ? `"${shown[0]}"` : `status ${response.statusCode}`}`)
        }
      }
    }

    const all = [...latencies.page, ...latencies.editor, ...latencies.save].sort((a, b) => a - b)
    const latencyMs = Object.fromEntries(([...Object.entries(latencies), ['all', all]] as [Kind | 'all', number[]][]).map(([kind, values]) => {
      const sorted = values.sort((a, b) => a - b)
      return [kind, { p50: percentile(sorted, 50), p99: percentile(sorted, 99) }]
    })) as MixedResults['latencyMs']
    return {
      ranAt: new Date().toISOString(),
      machine: { cores: cpus().length, load: { atStart: loadAtStart, atEnd: loadavg() } },
      settings: { ...options, replicas: 2, mix: { page: 70, editor: 20, save: 10 } },
      redis: redis.description,
      signInSeconds,
      requests,
      latencyMs,
      errors,
      updatesChecked,
      examples,
      overTime,
      rssMb: Object.fromEntries(names.map((name) => [name, spread(overTime.map((window) => window.rssMb[name]))])),
      ...(cgroups.length ? {
        memory: Object.fromEntries([...cgroupOf].map(([name, cgroup]) => [name, {
          limitBytes: cgroup.limitBytes, peakBytes: cgroup.peakBytes(), oomKills: cgroup.oomKills(), cgroupVersion: cgroup.version, nodeOptions: imageHeapFlag,
        }])),
      } : {}),
    }
  } finally {
    // A cgroup can be removed once nothing runs in it.
    for (const replica of replicas) await replica.stop()
    await service?.stop()
    for (const cgroup of cgroups) cgroup.remove()
    await redis.stop()
  }
}

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1)

export function mixedMarkdown(results: MixedResults): string {
  const { settings, errors } = results
  const total = results.requests.page + results.requests.editor + results.requests.save
  const rows = (['page', 'editor', 'save', 'all'] as const).map((kind) =>
    `| ${kind} | ${kind === 'all' ? total : results.requests[kind]} | ${results.latencyMs[kind].p50} | ${results.latencyMs[kind].p99} |`)
  return [
    `Mixed load ${results.ranAt}: ${settings.users} users signed in with MFA (in ${results.signInSeconds} s), 2 BFF replicas on ${results.redis} (\`--redis ${settings.redis}\`), ${settings.connections} connections (half per replica), ${settings.durationSeconds} s, 70 % page / 20 % editor / 10 % save.`,
    `Machine: ${results.machine.cores} cores, load (1/5/15 min) at start ${results.machine.load.atStart.map((v) => v.toFixed(2)).join(' ')}, at end ${results.machine.load.atEnd.map((v) => v.toFixed(2)).join(' ')}.`,
    '',
    '| request | answered | p50 ms | p99 ms |',
    '|---|---:|---:|---:|',
    ...rows,
    '',
    `- Non-2xx ${errors.non2xx}, transport errors ${errors.transport}, timeouts (30 s) ${errors.timeouts}, wrong answers ${errors.wrongAnswers}, answers naming another user ${errors.crossUser}, lost updates ${errors.lostUpdates} (last acknowledged save read back for ${results.updatesChecked} users).`,
    ...(results.examples.length ? [`- First problems: ${results.examples.join('; ')}`] : []),
    `- RSS MB over the run, median (min–max): ${Object.entries(results.rssMb).map(([name, value]) => `${name} ${value.median} (${value.min}–${value.max})`).join('; ')}`,
    ...(results.memory ? [`- Memory cgroup per capped process (${Object.values(results.memory)[0].nodeOptions}): ${Object.entries(results.memory).map(([name, memory]) =>
      `${name} limit ${mib(memory.limitBytes)} MiB, peak ${mib(memory.peakBytes)} MiB, OOM kills ${memory.oomKills} (cgroup v${memory.cgroupVersion})`).join('; ')}`] : []),
    '',
    '| at s | answered | p50 ms | p99 ms | RSS MB upstreams / bff-a / bff-b |',
    '|---:|---:|---:|---:|---|',
    ...results.overTime.map((window) => `| ${window.atSeconds} | ${window.requests} | ${window.p50Ms} | ${window.p99Ms} | ${window.rssMb.upstreams} / ${window.rssMb['bff-a']} / ${window.rssMb['bff-b']} |`),
    '',
  ].join('\n')
}
