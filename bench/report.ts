import type { ScenarioResult } from './load.ts'

// The results as JSON (for comparison across runs) and as the Markdown table the README shows.

export interface BenchResults {
  ranAt: string
  machine: { cpu: string; cores: number; memoryGb: number; os: string; node: string }
  settings: { users: number; connections: number; durationSeconds: number; warmupSeconds: number; logLevel: string; tracing?: boolean }
  scenarios: Record<string, ScenarioResult>
  ratios: { profilePageToDirect: number; editorFragmentToDirect: number }
  sessionFootprint: {
    memory: { sessionBytes: number; tokenCacheBytes: number; totalBytes: number }
    redis: { sessionBytes: number; tokenCacheBytes: number; totalBytes: number } | { unavailable: string }
  }
  startToReadyMs: Record<string, number[]>
  targets: { name: string; met: boolean; detail: string }[]
}

const scenarioNotes: Record<string, string> = {
  'ceiling': 'profile page rendered from memory (no upstream, no session)',
  'direct': 'Graph GET /me with one fixed token + the same template (no session)',
  'profile-page': 'BFF GET /profile: session, silent token, Graph GET /me, render',
  'editor-fragment': 'BFF htmx GET /profile/editor after MFA',
  'save': 'BFF htmx PATCH /profile → edit profile service (OBO) → Graph PATCH',
}

const cpu = (r: ScenarioResult) => ['upstreams', 'bff', 'baselines'].map((role) => r.cpuMsPerRequest[role].toFixed(2)).join(' / ')

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`

export function markdown(results: BenchResults): string {
  const { machine, settings } = results
  const rows = Object.entries(results.scenarios).map(([name, r]) =>
    `| ${name} | ${r.requestsPerSecond} | ${r.latencyP50Ms} | ${r.latencyP99Ms} | ${r.non2xx} / ${r.errors + r.timeouts} | ${cpu(r)} | ${scenarioNotes[name]} |`)
  const { memory, redis } = results.sessionFootprint
  const redisLine = 'unavailable' in redis
    ? `Redis: not measured (${redis.unavailable})`
    : `Redis: ${kb(redis.totalBytes)} (session ${redis.sessionBytes} B + sealed token cache ${redis.tokenCacheBytes} B, Redis MEMORY USAGE)`
  const startLines = Object.entries(results.startToReadyMs).map(([role, runs]) => `${role} ${runs.join(' / ')} ms`)
  return [
    `Run ${results.ranAt} on ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB, ${machine.os}, Node ${machine.node}.`,
    `${settings.users} signed-in users, ${settings.connections} connections, ${settings.durationSeconds} s per scenario after ${settings.warmupSeconds} s warm-up, log level ${settings.logLevel}${settings.tracing ? ', tracing on (100 % sampled, OTLP to a local sink)' : ''}; load generator and roles share the machine.`,
    '',
    '| scenario | req/s | p50 ms | p99 ms | non-2xx / errors | CPU ms/request (tenant+service / BFF / baseline) | what it does |',
    '|---|---:|---:|---:|---:|---:|---|',
    ...rows,
    '',
    `- profile-page / direct: **${results.ratios.profilePageToDirect}**; editor-fragment / direct: **${results.ratios.editorFragmentToDirect}**`,
    `- One signed-in session: in memory ${kb(memory.totalBytes)} (session ${memory.sessionBytes} B + token cache ${memory.tokenCacheBytes} B); ${redisLine}`,
    `- Start-to-ready (spawn → /readyz 200, \`node src/main.ts <role>\`): ${startLines.join('; ')}`,
    '',
    '| target | met | measured |',
    '|---|---|---|',
    ...results.targets.map((target) => `| ${target.name} | ${target.met ? 'yes' : '**no**'} | ${target.detail} |`),
    '',
  ].join('\n')
}
