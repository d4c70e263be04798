import type { FastifyInstance } from 'fastify'
import type { TenantContext } from '../context.ts'

// The dev mailbox: every one-time code the tenant "emailed", newest first.

/** What each code was for, as a sentence the page translates ({{t purpose}}). */
const purposes: Record<string, string> = { mfa: 'Sign-in verification', 'sign-up': 'Sign-up' }

export function mailboxRoutes(app: FastifyInstance, context: TenantContext) {
  app.get('/mailbox', async (_request, reply) => {
    // The time of day (UTC, as the column says) is enough to find the newest code; the full instant stays in datetime.
    const messages = context.state.mailbox.map(({ to, code, purpose, sentAt }) => ({
      to, code, purpose: purposes[purpose] ?? purpose, sentAt, sentTime: sentAt.slice(11, 19),
    }))
    return reply.header('cache-control', 'no-store').view('mailbox.hbs', { messages, title: 'Dev mailbox', wide: true })
  })
}
