import { readFileSync } from 'node:fs'
import { spread, type Spread } from './load.ts'
import type { BenchResults, BudgetVerdict } from './report.ts'

// `npm run bench -- --check`: the medians against bench/budget.json. A budget the median misses
// but some round met is "within spread" (noise cannot be told from a regression: reported, not
// failed); it fails only when it is broken by more than the measured spread, i.e. when even the
// best round misses it.
//
// Only figures that do not depend on the processor are budgeted (issue 27): ratios within one run
// (throughput over `direct` and over `session-floor`, CPU over the baseline's, start-to-ready
// over a hello-world's started in the same run) and bytes. CPU milliseconds and start-to-ready
// milliseconds are reported, never budgeted: the same code measured 0.22 ms on one machine and
// 0.53 ms on another.

interface Limit { min?: number; max?: number }

export interface Budget {
  /** Throughput over `direct`, per scenario. */
  ratios?: Record<string, Limit>
  /** Throughput over `session-floor`, per BFF scenario. */
  ratiosOverSessionFloor?: Record<string, Limit>
  /** BFF CPU per request over the baseline's CPU per `direct` request, per scenario. */
  cpuOverDirect?: Record<string, Limit>
  /** One signed-in session in Redis (session + sealed token cache), bytes. */
  sessionBytesInRedis?: Limit
  /** RSS of a role standing idle after its first start, per role, bytes. */
  idleRssBytes?: Record<string, Limit>
  /** Start-to-ready over the hello-world's in the same run, per role. */
  startToReadyOverHelloWorld?: Record<string, Limit>
}

export const budgetFile = new URL('./budget.json', import.meta.url).pathname

export function readBudget(path = budgetFile): Budget {
  return JSON.parse(readFileSync(path, 'utf8')) as Budget
}

function judge(name: string, limit: Limit, measured: Spread): BudgetVerdict[] {
  const verdicts: BudgetVerdict[] = []
  if (!Number.isFinite(measured.median)) return [{ name, limit: [limit.min !== undefined ? `≥ ${limit.min}` : '', limit.max !== undefined ? `≤ ${limit.max}` : ''].filter(Boolean).join(', '), measured, verdict: 'not measured' }]
  if (limit.max !== undefined) {
    const verdict = !(measured.median <= limit.max) ? (measured.min <= limit.max ? 'within spread' : 'fail') : 'pass'
    verdicts.push({ name, limit: `≤ ${limit.max}`, measured, verdict })
  }
  if (limit.min !== undefined) {
    const verdict = !(measured.median >= limit.min) ? (measured.max >= limit.min ? 'within spread' : 'fail') : 'pass'
    verdicts.push({ name, limit: `≥ ${limit.min}`, measured, verdict })
  }
  return verdicts
}

/** A missing measurement is "not measured", which --check counts as broken: a gate that skips what it cannot see is no gate. */
const missing: Spread = { median: Number.NaN, min: Number.NaN, max: Number.NaN }

export function checkBudget(results: BenchResults, budget: Budget): BudgetVerdict[] {
  const verdicts: BudgetVerdict[] = []
  for (const [scenario, limit] of Object.entries(budget.ratios ?? {})) {
    verdicts.push(...judge(`${scenario} / direct`, limit, results.ratios[scenario] ?? missing))
  }
  for (const [scenario, limit] of Object.entries(budget.cpuOverDirect ?? {})) {
    verdicts.push(...judge(`${scenario}: BFF CPU / baseline CPU per direct request`, limit, results.cpuOverDirect?.[scenario] ?? missing))
  }
  for (const [scenario, limit] of Object.entries(budget.ratiosOverSessionFloor ?? {})) {
    verdicts.push(...judge(`${scenario} / session-floor`, limit, results.ratiosOverSessionFloor?.[scenario] ?? missing))
  }
  if (budget.sessionBytesInRedis) {
    const { redis } = results.sessionFootprint
    const bytes = 'unavailable' in redis ? Number.NaN : redis.totalBytes
    verdicts.push(...judge('one session in Redis, bytes', budget.sessionBytesInRedis, { median: bytes, min: bytes, max: bytes }))
  }
  for (const [role, limit] of Object.entries(budget.idleRssBytes ?? {})) {
    const runs = results.idleRssBytes?.[role]
    verdicts.push(...judge(`${role} idle RSS, bytes`, limit, runs?.length ? spread(runs) : missing))
  }
  for (const [role, limit] of Object.entries(budget.startToReadyOverHelloWorld ?? {})) {
    const runs = results.startToReadyOverHelloWorld?.[role]
    verdicts.push(...judge(`${role} start-to-ready / hello-world's`, limit, runs?.length ? spread(runs) : missing))
  }
  return verdicts
}
