import type { FastifyInstance } from 'fastify'
import { formatDateTime } from '../i18n/translator.ts'
import { renderPage, textsFor } from '../plugins/views.ts'

// Home (signed out: Sign In; signed in: Hi {name}) and the ID token claims table, its
// timestamps as dates in the user's language.

function displayValue(value: unknown): string {
  if (Array.isArray(value)) return value.join(', ')
  if (typeof value === 'object' && value !== null) return JSON.stringify(value)
  return String(value)
}

const timeClaims = new Set(['iat', 'nbf', 'exp', 'auth_time'])

export function homeRoutes(app: FastifyInstance) {
  app.get('/', async (request, reply) => {
    const { user, sessionEnded } = request.session
    // Said once: the next visit is an ordinary signed-out home page.
    if (sessionEnded && !user) request.session.sessionEnded = undefined
    const ended = sessionEnded && !user ? { sessionEnded: true, returnTo: encodeURIComponent(sessionEnded.returnTo) } : {}
    return renderPage(request, reply, 'home', { name: user?.name, ...ended })
  })

  app.get('/claims', async (request, reply) => {
    if (!request.user) return reply.redirect('/auth/sign-in?returnTo=%2Fclaims', 302)
    const idTokenClaims = await request.idTokenClaims()
    const { language } = textsFor(request)
    const claims = Object.entries(idTokenClaims).map(([name, value]) => {
      const date = timeClaims.has(name) && typeof value === 'number' ? new Date(value * 1000) : undefined
      return { name, value: displayValue(value), when: date && { iso: date.toISOString(), text: formatDateTime(language, date) } }
    })
    return renderPage(request, reply, 'claims', { claims })
  })
}
