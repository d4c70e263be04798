import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { BenchResults } from './report.ts'

// `node bench/tracing-cost.ts [run.ts flags]`: the profile page and the save with tracing off
// (no SDK loaded) and on (every role, 100 % sampled, OTLP http/protobuf to a local sink),
// alternated `--rounds` times (default 2) so drift on a shared machine hits both sides; each
// run is itself run.ts's interleaved rounds, and its medians are used.
// Prints the ratio and writes bench/results/tracing-cost.md.

const args = process.argv.slice(2)
const roundsAt = args.indexOf('--rounds')
const rounds = roundsAt >= 0 ? Number(args.splice(roundsAt, 2)[1]) : 2
const scenarios = ['profile-page', 'save']
const runScript = new URL('./run.ts', import.meta.url).pathname
const workDir = mkdtempSync(join(tmpdir(), 'bench-tracing-'))

async function run(tracing: boolean, round: number): Promise<BenchResults> {
  const resultsDir = join(workDir, `${tracing ? 'on' : 'off'}-${round}`)
  const flags = ['--scenarios', scenarios.join(','), '--skip-start-to-ready', '--results-dir', resultsDir, ...(tracing ? ['--tracing'] : []), ...args]
  process.stderr.write(`tracing-cost: round ${round + 1}/${rounds}, tracing ${tracing ? 'on' : 'off'}\n`)
  await promisify(execFile)(process.execPath, [runScript, ...flags], { maxBuffer: 16 * 1024 * 1024 })
  return JSON.parse(readFileSync(join(resultsDir, 'latest.json'), 'utf8'))
}

const off: BenchResults[] = []
const on: BenchResults[] = []
for (let round = 0; round < rounds; round++) {
  off.push(await run(false, round))
  on.push(await run(true, round))
}

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length
const stat = (runs: BenchResults[], name: string, pick: (r: BenchResults['scenarios'][string]) => number) => mean(runs.map((r) => pick(r.scenarios[name])))
const { machine, settings } = off[0]
const rows = scenarios.map((name) => {
  const offRps = stat(off, name, (r) => r.requestsPerSecond.median)
  const onRps = stat(on, name, (r) => r.requestsPerSecond.median)
  const cpu = (runs: BenchResults[]) => stat(runs, name, (r) => r.cpuMsPerRequest.bff.median).toFixed(2)
  const cost = ((1 - onRps / offRps) * 100).toFixed(1)
  return `| ${name} | ${Math.round(offRps)} | ${Math.round(onRps)} | **${(onRps / offRps).toFixed(2)}** (${cost} % fewer) | ${stat(off, name, (r) => r.latencyP99Ms.median).toFixed(0)} / ${stat(on, name, (r) => r.latencyP99Ms.median).toFixed(0)} | ${cpu(off)} / ${cpu(on)} |`
})
const table = [
  `Run ${new Date().toISOString()} on ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; ${rounds} alternating runs, means of each run's medians shown.`,
  `${settings.users} signed-in users, ${settings.connections} connections, ${settings.durationSeconds} s per scenario after ${settings.warmupSeconds} s warm-up; tracing on = every role, 100 % sampled, OTLP http/protobuf to a local sink.`,
  '',
  '| scenario | req/s off | req/s on | on / off | p99 ms off / on | BFF CPU ms/request off / on |',
  '|---|---:|---:|---:|---:|---:|',
  ...rows,
  '',
].join('\n')
writeFileSync(new URL('./results/tracing-cost.md', import.meta.url), table)
process.stdout.write(table)
