import type { FastifyInstance } from 'fastify'
import { isLanguage } from '../i18n/language.ts'
import { safeReturnTo } from '../return-to.ts'

// The language picker: a link that only records the user's choice in the session and comes back.
// A GET, so it works signed out and without JavaScript; it discards nothing.

export function languageRoutes(app: FastifyInstance) {
  app.get('/language/:code', async (request, reply) => {
    const { code } = request.params as { code: string }
    const returnTo = safeReturnTo((request.query as Record<string, unknown>).returnTo)
    if (!isLanguage(code)) return reply.callNotFound()
    request.session.language = code
    return reply.redirect(returnTo, 303)
  })
}
