import type { FastifyInstance } from 'fastify'
import type { XStatic } from 'typebox/schema'
import type { BffSessionConfig } from '../../config/types.ts'
import { isLanguage, languageCookie } from '../i18n/language.ts'
import { safeReturnTo } from 'fastify-entra-bff'

// The language picker: a link that records the user's choice in a plain cookie and comes back.
// A GET, so it works signed out and without JavaScript; it discards nothing, and creates no
// session (an anonymous client following it a million times costs the store nothing).

const languageChoiceMaxAgeSeconds = 365 * 24 * 3600

const params = { type: 'object', properties: { code: { type: 'string', maxLength: 16 } }, required: ['code'] } as const
const querystring = { type: 'object', properties: { returnTo: { type: 'string', maxLength: 2048 } } } as const

export function languageRoutes(app: FastifyInstance, session: Pick<BffSessionConfig, 'secureCookie'>) {
  app.get<{ Params: XStatic<typeof params>; Querystring: XStatic<typeof querystring> }>('/language/:code', { schema: { params, querystring } }, async (request, reply) => {
    const { code } = request.params
    const returnTo = safeReturnTo(request.query.returnTo)
    if (!isLanguage(code)) return reply.callNotFound()
    reply.setCookie(languageCookie, code, { path: '/', httpOnly: true, secure: session.secureCookie, sameSite: 'lax', maxAge: languageChoiceMaxAgeSeconds })
    return reply.redirect(returnTo, 303)
  })
}
