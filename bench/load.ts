import autocannon from 'autocannon'

// Scenarios under load in short interleaved rounds: every scenario runs once per round, the
// order reversed every other round, so a noisy stretch of the shared machine hits all of them
// alike. A scenario's figure is the median of its rounds, reported with their min–max.

export interface LoadOptions { connections: number; durationSeconds: number; warmupSeconds: number; rounds: number }

export interface ScenarioRequest { method: 'GET' | 'PATCH'; path: string; headers: Record<string, string>; body?: string }

/** One measured round of one scenario. */
export interface RoundResult {
  requestsPerSecond: number
  latencyP50Ms: number
  latencyP99Ms: number
  requests: number
  non2xx: number
  errors: number
  timeouts: number
  /** CPU time each role process spent per request during the round (user + system). */
  cpuMsPerRequest: Record<string, number>
}

export interface Spread { median: number; min: number; max: number }

export interface ScenarioResult {
  requestsPerSecond: Spread
  latencyP50Ms: Spread
  latencyP99Ms: Spread
  /** CPU ms per request of each role, over the rounds: the primary, steadier figure. */
  cpuMsPerRequest: Record<string, Spread>
  /** Totals over every round. */
  requests: number
  non2xx: number
  errors: number
  timeouts: number
  rounds: RoundResult[]
}

/** Something whose CPU time can be read before and after a round (the role processes). */
export interface CpuMeter { name: string; cpuUsage(): Promise<NodeJS.CpuUsage> }

/**
 * A scenario's requests. `next` gets autocannon's context of the request (none for the single
 * check request before a run), and `answered` the same context when its answer is in.
 */
export interface Scenario {
  name: string; url: string
  next: (request?: Record<string, unknown>) => ScenarioRequest
  answered?: (request: Record<string, unknown>) => void
  /** The run ended: requests still in flight were cut off by the load generator, not answered. */
  finished?: () => void
}

async function run(url: string, scenario: Pick<Scenario, 'next' | 'answered' | 'finished'>, connections: number, durationSeconds: number) {
  const { next, answered } = scenario
  const result = await autocannon({
    url, connections, duration: durationSeconds,
    requests: [{
      setupRequest: (request, context) => ({ ...request, ...next(context) }),
      ...(answered ? { onResponse: (_status: number, _body: string, context: Record<string, unknown>) => answered(context) } : {}),
    }],
  })
  scenario.finished?.()
  return result
}

async function cpuMs(meters: CpuMeter[]): Promise<number[]> {
  return Promise.all(meters.map(async (meter) => {
    const usage = await meter.cpuUsage()
    return (usage.user + usage.system) / 1000
  }))
}

const round3 = (value: number) => Number(value.toFixed(3))

export function spread(values: number[]): Spread {
  const sorted = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b)
  if (sorted.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN }
  const middle = Math.floor(sorted.length / 2)
  const median = sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
  return { median: round3(median), min: round3(sorted[0]), max: round3(sorted[sorted.length - 1]) }
}

async function measureRound(scenario: Scenario, options: LoadOptions, meters: CpuMeter[]): Promise<RoundResult> {
  const cpuBefore = await cpuMs(meters)
  const result = await run(scenario.url, scenario, options.connections, options.durationSeconds)
  const cpuAfter = await cpuMs(meters)
  const perRequest = (index: number) => round3((cpuAfter[index] - cpuBefore[index]) / Math.max(result.requests.total, 1))
  return {
    // From the total: autocannon's per-second average needs whole seconds, and quick rounds are shorter.
    requestsPerSecond: Math.round(result.requests.total / Math.max(result.duration, 0.001)),
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    cpuMsPerRequest: Object.fromEntries(meters.map((meter, index) => [meter.name, perRequest(index)])),
  }
}

function summarise(rounds: RoundResult[], meters: CpuMeter[]): ScenarioResult {
  const sum = (pick: (round: RoundResult) => number) => rounds.reduce((total, round) => total + pick(round), 0)
  return {
    requestsPerSecond: spread(rounds.map((round) => round.requestsPerSecond)),
    latencyP50Ms: spread(rounds.map((round) => round.latencyP50Ms)),
    latencyP99Ms: spread(rounds.map((round) => round.latencyP99Ms)),
    cpuMsPerRequest: Object.fromEntries(meters.map((meter) => [meter.name, spread(rounds.map((round) => round.cpuMsPerRequest[meter.name]))])),
    requests: sum((round) => round.requests),
    non2xx: sum((round) => round.non2xx),
    errors: sum((round) => round.errors),
    timeouts: sum((round) => round.timeouts),
    rounds,
  }
}

/**
 * Every scenario warmed up once (unrecorded: JIT, keep-alive pools and caches settle), then
 * `rounds` rounds of all scenarios, forward and backward in turn.
 */
export async function measureInterleaved(scenarios: Scenario[], options: LoadOptions, meters: CpuMeter[], progress: (line: string) => void): Promise<Record<string, ScenarioResult>> {
  if (options.warmupSeconds > 0) {
    for (const scenario of scenarios) await run(scenario.url, scenario, options.connections, options.warmupSeconds)
  }
  const rounds = new Map<string, RoundResult[]>(scenarios.map((scenario) => [scenario.name, []]))
  for (let round = 0; round < options.rounds; round++) {
    const order = round % 2 === 0 ? scenarios : [...scenarios].reverse()
    progress(`round ${round + 1}/${options.rounds}: ${order.map((scenario) => scenario.name).join(', ')} (${options.durationSeconds} s each)`)
    for (const scenario of order) rounds.get(scenario.name)!.push(await measureRound(scenario, options, meters))
  }
  return Object.fromEntries(scenarios.map((scenario) => [scenario.name, summarise(rounds.get(scenario.name)!, meters)]))
}

/** A scenario's throughput per round divided by `direct`'s in the same round. */
/** A scenario's throughput over a reference scenario's (`direct` unless named), per round. */
export function ratioPerRound(results: Record<string, ScenarioResult>, name: string, over = 'direct'): Spread {
  const scenario = results[name]
  const reference = results[over]
  if (!scenario || !reference) return spread([])
  return spread(scenario.rounds.map((round, index) => round.requestsPerSecond / Math.max(reference.rounds[index].requestsPerSecond, 1)))
}

/**
 * The CPU per request of a scenario in the `role` that serves it (the BFF; the baselines for
 * the floors) over the baseline's CPU per `direct` request, per round: both processes slow down
 * alike when the machine is busy, so this holds steadier than either figure in ms when other
 * work shares the cores.
 */
export function cpuOverDirectPerRound(results: Record<string, ScenarioResult>, name: string, role: string): Spread {
  const scenario = results[name]
  const direct = results.direct
  if (!scenario || !direct) return spread([])
  return spread(scenario.rounds.map((round, index) => round.cpuMsPerRequest[role] / Math.max(direct.rounds[index].cpuMsPerRequest.baselines, 0.001)))
}
