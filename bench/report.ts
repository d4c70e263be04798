import { spread, type ScenarioResult, type Spread } from './load.ts'

// The results as JSON (for comparison across runs) and as the Markdown tables the docs show.

export interface MachineLoad {
  /** os.loadavg() (1, 5, 15 min) when the bench started and when it ended. */
  atStart: number[]
  atEnd: number[]
}

export interface BudgetVerdict {
  name: string
  limit: string
  measured: Spread
  verdict: 'pass' | 'within spread' | 'fail' | 'not measured'
}

export interface BenchResults {
  ranAt: string
  machine: { cpu: string; cores: number; memoryGb: number; os: string; node: string; load: MachineLoad }
  settings: { users: number; connections: number; durationSeconds: number; warmupSeconds: number; rounds: number; logLevel: string; tracing?: boolean }
  scenarios: Record<string, ScenarioResult>
  /** Each floor's and BFF scenario's throughput over `direct`'s, per round. */
  ratios: Record<string, Spread>
  /** Each BFF scenario's throughput over `session-floor`'s (the same session stack without the BFF's routes), per round. */
  ratiosOverSessionFloor: Record<string, Spread>
  /**
   * Each floor's and BFF scenario's CPU per request in the process serving it (the baselines
   * for the floors, the BFF for the rest) over the baseline's CPU per `direct` request, per round.
   */
  cpuOverDirect: Record<string, Spread>
  sessionFootprint: {
    memory: { sessionBytes: number; tokenCacheBytes: number; totalBytes: number }
    redis: { sessionBytes: number; tokenCacheBytes: number; totalBytes: number } | { unavailable: string }
  }
  /** Spawn of the built JavaScript to the first /readyz 200, per start (bench/start-up.ts), with the hello-world's. */
  startToReadyMs: Record<string, number[]>
  /** RSS after standing idle once ready, per start, bytes. */
  idleRssBytes: Record<string, number[]>
  /** Each start-to-ready over the hello-world's of the same run. */
  startToReadyOverHelloWorld: Record<string, number[]>
  targets: { name: string; met: boolean; detail: string }[]
  budget?: BudgetVerdict[]
}

const scenarioNotes: Record<string, string> = {
  'ceiling': 'profile page rendered from memory (no upstream, no session)',
  'direct': 'Graph GET /me with one fixed token + the same template (no session)',
  'floor': "direct + what a signed-in page needs, by hand: signed cookie → session in a Map, CSRF token, the BFF's headers",
  'session-floor': "the floor through the BFF's session stack (@fastify/session, @fastify/csrf-protection), no BFF routes",
  'profile-page': 'BFF GET /profile: session, silent token, Graph GET /me, render',
  'editor-fragment': 'BFF htmx GET /profile/editor after MFA',
  'save': 'BFF htmx PATCH /profile → edit profile service (OBO) → Graph PATCH',
}

export const roles = ['upstreams', 'bff', 'baselines', 'load-generator']

const fixed = (value: number, digits: number) => (Number.isFinite(value) ? value.toFixed(digits) : '–')
export const showSpread = (value: Spread, digits = 2) => `${fixed(value.median, digits)} (${fixed(value.min, digits)}–${fixed(value.max, digits)})`
const cpu = (r: ScenarioResult) => roles.map((role) => showSpread(r.cpuMsPerRequest[role])).join(' / ')
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`
const load = (values: number[]) => values.map((value) => value.toFixed(2)).join(' ')

export function markdown(results: BenchResults): string {
  const { machine, settings } = results
  const rows = Object.entries(results.scenarios).map(([name, r]) =>
    `| ${name} | ${cpu(r)} | ${showSpread(r.requestsPerSecond, 0)} | ${fixed(r.latencyP50Ms.median, 0)} | ${fixed(r.latencyP99Ms.median, 0)} | ${r.non2xx} / ${r.errors} | ${scenarioNotes[name]} |`)
  const { memory, redis } = results.sessionFootprint
  const redisLine = 'unavailable' in redis
    ? `Redis: not measured (${redis.unavailable})`
    : `Redis: ${kb(redis.totalBytes)} (session ${redis.sessionBytes} B + sealed token cache ${redis.tokenCacheBytes} B, Redis MEMORY USAGE)`
  const startLines = Object.entries(results.startToReadyMs).map(([role, runs]) =>
    `${role} ${runs.join(' / ')} ms${role === 'hello-world' ? '' : ` (over the hello-world: ${results.startToReadyOverHelloWorld[role].join(' / ')})`}`)
  const rssLines = Object.entries(results.idleRssBytes).map(([role, runs]) => `${role} ${runs.map((bytes) => (bytes / 2 ** 20).toFixed(1)).join(' / ')} MiB`)
  const ratioLines = Object.entries(results.ratios).map(([name, ratio]) => `${name} / direct **${showSpread(ratio)}**`)
  const floorLines = Object.entries(results.ratiosOverSessionFloor).map(([name, ratio]) => `${name} / session-floor **${showSpread(ratio)}**`)
  const machineLines = Object.entries(results.scenarios).filter(([name]) => name !== 'ceiling').map(([name, r]) => `${name} ${showSpread(machineCpuPerRequest(r))}`)
  const cpuLines = Object.entries(results.cpuOverDirect).map(([name, ratio]) => `${name} ${showSpread(ratio)}`)
  return [
    `Run ${results.ranAt} on ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB, ${machine.os}, Node ${machine.node}.`,
    `Machine load (1/5/15 min) at start ${load(machine.load.atStart)}, at end ${load(machine.load.atEnd)}.`,
    `${settings.users} signed-in users, ${settings.connections} connections; ${settings.rounds} interleaved rounds of ${settings.durationSeconds} s per scenario (order reversed every other round) after ${settings.warmupSeconds} s warm-up each; log level ${settings.logLevel}${settings.tracing ? '; tracing on (100 % sampled, OTLP to a local sink)' : ''}; load generator and roles share the machine.`,
    'Figures are the median of the rounds with (min–max).',
    '',
    '| scenario | CPU ms/request: tenant+service / BFF / baseline / load generator | req/s | p50 ms | p99 ms | non-2xx / errors (incl. timeouts) | what it does |',
    '|---|---:|---:|---:|---:|---:|---|',
    ...rows,
    '',
    `- Throughput ratios, per round: ${ratioLines.join('; ')}`,
    `- BFF throughput over the same session stack without the BFF's routes, per round: ${floorLines.join('; ')}`,
    `- CPU ms per request of all processes together (tenant+service, BFF, baseline, load generator: what the two shared cores spend on one answer; with both cores busy, throughput goes as its inverse, unless one process fills a core on its own), per round: ${machineLines.join('; ')}`,
    `- CPU per request of the serving process (the BFF; the baseline for the floors) over the baseline's CPU per direct request (same Graph call and template), per round: ${cpuLines.join('; ')}`,
    `- One signed-in session: in memory ${kb(memory.totalBytes)} (session ${memory.sessionBytes} B + token cache ${memory.tokenCacheBytes} B); ${redisLine}`,
    `- Start-to-ready (spawn → /readyz 200 of the built JavaScript, \`node src/main.js <role>\` with the compile cache filled, and a plain Fastify hello-world): ${startLines.join('; ')}`,
    `- Idle RSS (2 s after ready, first start after the compile cache was filled): ${rssLines.join('; ')}`,
    '',
    '| target | met | measured |',
    '|---|---|---|',
    ...results.targets.map((target) => `| ${target.name} | ${target.met ? 'yes' : '**no**'} | ${target.detail} |`),
    '',
    ...(results.budget ? budgetMarkdown(results.budget) : []),
  ].join('\n')
}

/** Every process's CPU per request added up, per round: what one answer costs the whole machine. */
export function machineCpuPerRequest(result: ScenarioResult): Spread {
  return spread(result.rounds.map((round) => Object.values(round.cpuMsPerRequest).reduce((total, ms) => total + ms, 0)))
}

export function budgetMarkdown(verdicts: BudgetVerdict[]): string[] {
  return [
    '| budget (bench/budget.json) | limit | median (min–max) | verdict |',
    '|---|---:|---:|---|',
    ...verdicts.map((verdict) => `| ${verdict.name} | ${verdict.limit} | ${showSpread(verdict.measured, Math.abs(verdict.measured.median) >= 100 ? 0 : 2)} | ${verdict.verdict === 'fail' ? '**fail**' : verdict.verdict} |`),
    '',
  ]
}
