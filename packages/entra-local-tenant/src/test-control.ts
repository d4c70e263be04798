import { isIP } from 'node:net'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { isFaultEndpoint, type FaultRule, type FaultTable } from './faults.ts'
import type { TenantTesting } from './testing.ts'

// The test-control API: what a test in any language needs to drive the tenant over HTTP. Off
// unless the tenant starts with `testControl` (CLI: --test-control), and answering loopback
// clients only: it can read every one-time code and revoke any user's sessions.
//
//   GET    /_test/mailbox                       every mailed one-time code, newest first
//   POST   /_test/faults                        {endpoint, kind, ...} (faults.ts) for the next `times` requests
//   DELETE /_test/faults                        clears them
//   POST   /_test/clock                         {advanceSeconds}: codes, sessions and tokens age at once
//   POST   /_test/users/{email}/revoke-sessions CAE critical event, as the admin center's "Revoke sessions"
//   POST   /_test/users/{email}/disable         "Block sign in"
//   POST   /_test/users/{email}/reset-password  {password}: an admin's password reset
//   POST   /_test/reset                         back to the tenant file's users, no sessions, clock at now

/** 127.0.0.0/8 and ::1, also as IPv4-mapped IPv6. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false
  const ipv4 = address.startsWith('::ffff:') ? address.slice(7) : address
  return (isIP(ipv4) === 4 && ipv4.startsWith('127.')) || address === '::1'
}

const problem = (reply: FastifyReply, status: number, description: string) =>
  reply.code(status).header('cache-control', 'no-store').send({ error: status === 403 ? 'forbidden' : 'invalid_request', error_description: description })

const emailParams = { type: 'object', required: ['email'], properties: { email: { type: 'string', minLength: 3, maxLength: 256 } } } as const

const faultBody = {
  type: 'object',
  required: ['endpoint', 'kind'],
  properties: {
    endpoint: { type: 'string' },
    kind: { enum: ['error', 'latency', 'outage', 'throttle'] },
    times: { type: 'integer', minimum: 1 },
    status: { type: 'integer', minimum: 400, maximum: 599 },
    error: { type: 'string', minLength: 1, maxLength: 100 },
    code: { type: 'integer', minimum: 0 },
    description: { type: 'string', maxLength: 2000 },
    suberror: { type: 'string', maxLength: 100 },
    claims: { type: 'string', maxLength: 4000 },
    ms: { type: 'integer', minimum: 0, maximum: 120_000 },
    retryAfterSeconds: { type: 'integer', minimum: 0, maximum: 86_400 },
  },
} as const

/** What each kind of fault needs besides its endpoint, checked after the schema. */
function faultProblem(rule: Record<string, unknown>): string | undefined {
  if (!isFaultEndpoint(rule.endpoint)) return `endpoint must be one of discovery, keys, authorize, token, logout, graph, userinfo (got "${String(rule.endpoint)}")`
  if (rule.kind === 'error' && (typeof rule.error !== 'string' || typeof rule.code !== 'number')) return 'an error fault needs error (e.g. "invalid_grant") and code (the AADSTS number, e.g. 50173)'
  if (rule.kind === 'latency' && typeof rule.ms !== 'number') return 'a latency fault needs ms'
  if (rule.kind === 'throttle' && typeof rule.retryAfterSeconds !== 'number') return 'a throttle fault needs retryAfterSeconds'
  return undefined
}

export function testControlRoutes(app: FastifyInstance, testing: TenantTesting, faults: FaultTable) {
  app.register(async (control) => {
    control.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      if (!isLoopback(request.socket.remoteAddress)) return problem(reply, 403, 'The test-control API answers loopback clients only.')
      reply.header('cache-control', 'no-store')
    })
    const userAction = (action: (email: string, body: Record<string, unknown>) => Promise<void>) =>
      async (request: FastifyRequest<{ Params: { email: string } }>, reply: FastifyReply) => {
        try {
          await action(request.params.email, (request.body ?? {}) as Record<string, unknown>)
        } catch (error) {
          return problem(reply, 404, (error as Error).message)
        }
        return reply.code(204).send()
      }

    control.get('/mailbox', async () => ({ messages: testing.mailbox() }))
    control.get('/faults', async () => ({ faults: faults.list() }))
    control.post('/faults', { schema: { body: faultBody } }, async (request, reply) => {
      const rule = request.body as Record<string, unknown>
      const wrong = faultProblem(rule)
      if (wrong) return problem(reply, 400, wrong)
      faults.add(rule as unknown as FaultRule)
      return reply.code(204).send()
    })
    control.delete('/faults', async (_request, reply) => {
      faults.clear()
      return reply.code(204).send()
    })
    control.post('/clock', {
      schema: { body: { type: 'object', required: ['advanceSeconds'], properties: { advanceSeconds: { type: 'integer', minimum: 1, maximum: 400 * 86_400 } } } },
    }, async (request, reply) => {
      testing.advanceClock((request.body as { advanceSeconds: number }).advanceSeconds)
      return reply.code(204).send()
    })
    control.post('/users/:email/revoke-sessions', { schema: { params: emailParams } }, userAction((email) => testing.revokeSessions(email)))
    control.post('/users/:email/disable', { schema: { params: emailParams } }, userAction((email) => testing.disableUser(email)))
    control.post('/users/:email/reset-password', {
      schema: { params: emailParams, body: { type: 'object', required: ['password'], properties: { password: { type: 'string', minLength: 8, maxLength: 256 } } } },
    }, userAction((email, body) => testing.resetPassword(email, String(body.password))))
    control.post('/reset', async (_request, reply) => {
      faults.clear()
      await testing.reset()
      return reply.code(204).send()
    })
  }, { prefix: '/_test' })
}
