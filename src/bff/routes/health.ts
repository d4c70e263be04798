import type { FastifyInstance } from 'fastify'

export type ReadinessCheck = () => Promise<string | undefined>

/** /healthz: the process answers. /readyz: every dependency check passes (each returns a problem or nothing). */
export function healthRoutes(app: FastifyInstance, checks: ReadinessCheck[]) {
  app.get('/healthz', async () => ({ status: 'ok' }))
  app.get('/readyz', async (_request, reply) => {
    const problems = (await Promise.all(checks.map((check) => check().catch((error: Error) => error.message)))).filter(Boolean)
    if (problems.length > 0) return reply.code(503).send({ status: 'not ready', problems })
    return { status: 'ready' }
  })
}
