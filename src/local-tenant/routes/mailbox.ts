import type { FastifyInstance } from 'fastify'
import type { TenantContext } from '../context.ts'

// The dev mailbox: every one-time code the tenant "emailed", newest first.
export function mailboxRoutes(app: FastifyInstance, context: TenantContext) {
  app.get('/mailbox', async (_request, reply) => {
    return reply.header('cache-control', 'no-store').view('local-tenant/mailbox.hbs', { messages: context.state.mailbox })
  })
}
