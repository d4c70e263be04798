import type { FastifyInstance } from 'fastify'

/** A shared dependency's health: a problem in a few words, or nothing when it answers. */
export type DependencyCheck = () => Promise<string | undefined>

const dependencyCheckDeadlineMs = 2_000

async function checkWithin(check: DependencyCheck): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<string>((resolve) => (timer = setTimeout(() => resolve('no answer in time'), dependencyCheckDeadlineMs)))
  try {
    return await Promise.race([check().catch((error: Error) => error.message), deadline])
  } finally {
    clearTimeout(timer)
  }
}

/**
 * Probes, following Kubernetes' guidance (liveness and readiness reflect this instance, not a
 * dependency every replica shares — failing readiness for a Redis or tenant outage would take
 * every replica out of the load balancer at once, and users would get the proxy's error instead
 * of our page with their values kept):
 * - /healthz (liveness): the process answers requests.
 * - /readyz (readiness): this instance finished starting and can answer; during shutdown Fastify
 *   answers 503 by itself (return503OnClosing) so the load balancer drains it.
 * - /health/dependencies: each shared dependency's state, for dashboards and alerts; always 200,
 *   each check bounded.
 */
export function healthRoutes(app: FastifyInstance, dependencies: Record<string, DependencyCheck>) {
  app.get('/healthz', async () => ({ status: 'ok' }))
  app.get('/readyz', async () => ({ status: 'ready' }))
  app.get('/health/dependencies', async () => {
    const names = Object.keys(dependencies)
    const problems = await Promise.all(names.map((name) => checkWithin(dependencies[name])))
    const report = Object.fromEntries(names.map((name, index) => [name, problems[index] ? { status: 'failing', problem: problems[index] } : { status: 'ok' }]))
    return { status: problems.some(Boolean) ? 'degraded' : 'ok', dependencies: report }
  })
}
