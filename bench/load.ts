import autocannon from 'autocannon'

// One scenario under load: fixed connections and duration, requests built per call so each
// takes the next signed-in session round-robin.

export interface LoadOptions { connections: number; durationSeconds: number; warmupSeconds: number }

export interface ScenarioRequest { method: 'GET' | 'PATCH'; path: string; headers: Record<string, string>; body?: string }

export interface ScenarioResult {
  requestsPerSecond: number
  latencyP50Ms: number
  latencyP99Ms: number
  requests: number
  non2xx: number
  errors: number
  timeouts: number
  /** CPU time each role process spent per request during the measured run (user + system). */
  cpuMsPerRequest: Record<string, number>
}

/** Something whose CPU time can be read before and after the run (the role processes). */
export interface CpuMeter { name: string; cpuUsage(): Promise<NodeJS.CpuUsage> }

function run(url: string, nextRequest: () => ScenarioRequest, connections: number, durationSeconds: number) {
  return autocannon({
    url, connections, duration: durationSeconds,
    requests: [{ setupRequest: (request) => ({ ...request, ...nextRequest() }) }],
  })
}

async function cpuMs(meters: CpuMeter[]): Promise<number[]> {
  return Promise.all(meters.map(async (meter) => {
    const usage = await meter.cpuUsage()
    return (usage.user + usage.system) / 1000
  }))
}

export async function measure(url: string, nextRequest: () => ScenarioRequest, options: LoadOptions, meters: CpuMeter[]): Promise<ScenarioResult> {
  // A short unrecorded run first: JIT, keep-alive pools and caches settle before the clock starts.
  if (options.warmupSeconds > 0) await run(url, nextRequest, options.connections, options.warmupSeconds)
  const cpuBefore = await cpuMs(meters)
  const result = await run(url, nextRequest, options.connections, options.durationSeconds)
  const cpuAfter = await cpuMs(meters)
  const perRequest = (index: number) => Number(((cpuAfter[index] - cpuBefore[index]) / Math.max(result.requests.total, 1)).toFixed(3))
  return {
    requestsPerSecond: Math.round(result.requests.average),
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    cpuMsPerRequest: Object.fromEntries(meters.map((meter, index) => [meter.name, perRequest(index)])),
  }
}
