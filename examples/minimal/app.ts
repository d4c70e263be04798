import Fastify from 'fastify'
import entraBff, { ClaimsChallengeError, SignInRequiredError, type EntraBffOptions } from 'fastify-entra-bff'

// A second app on fastify-entra-bff: one page that shows who is signed in, and a note that needs
// MFA. The note typed before the step-up is kept server-side and shown again after it.

declare module 'fastify' {
  interface EntraBffDrafts {
    note: { text: string }
  }
}

export interface MinimalAppOptions {
  entra: Omit<EntraBffOptions, 'session'> & { session: { secrets: string[] } }
  /** The scope of an API that a Conditional Access policy guards with MFA. */
  apiScope: string
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
const page = (body: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Minimal</title></head><body>${body}</body></html>`

export async function buildApp({ entra, apiScope }: MinimalAppOptions) {
  const app = Fastify({ logger: { level: process.env.LOG_LEVEL ?? 'warn' } })
  // Forms arrive URL-encoded; fastify parses JSON only.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))))
  })
  await app.register(entraBff, entra)

  // Two answers the plugin asks of every app: sign in again, and step up for a challenge thrown by a route.
  app.setErrorHandler(async (error, request, reply) => {
    if (error instanceof SignInRequiredError) return reply.signInAgain(error.message)
    if (error instanceof ClaimsChallengeError && error.needsUser) return reply.stepUp(error, { scopes: [apiScope] })
    request.log.error({ err: error }, 'request failed')
    return reply.code(500).type('text/html').send(page('<p>Something went wrong.</p>'))
  })

  app.get('/', async (request, reply) => {
    const csrf = `<input type="hidden" name="_csrf" value="${escapeHtml(reply.generateCsrf())}">`
    const body = request.user
      ? `<p>Signed in as <strong id="user">${escapeHtml(request.user.name)}</strong>.</p>
         <form method="post" action="/notes">${csrf}<label>Note <input name="text"></label><button>Send (needs MFA)</button></form>
         <form method="post" action="/auth/sign-out">${csrf}<button>Sign out</button></form>`
      : '<p><a href="/auth/sign-in">Sign in</a></p>'
    return reply.type('text/html').send(page(body))
  })

  // Sending a note needs a token for the API, which its MFA policy grants only after a second
  // factor: the challenge keeps the typed note and steps up; the user lands on /notes with it.
  app.post<{ Body: { text?: string } }>('/notes', { config: { auth: 'required' }, preValidation: app.csrfProtection }, async (request, reply) => {
    const text = String(request.body?.text ?? '').slice(0, 500)
    try {
      await request.accessToken([apiScope])
    } catch (error) {
      if (error instanceof ClaimsChallengeError) return reply.stepUp(error, { scopes: [apiScope], returnTo: '/notes', keep: { note: { text } } })
      throw error
    }
    request.keepDraft('note', { text })
    return reply.redirect('/notes', 303)
  })

  // Only after MFA: `config.auth` with scopes steps up before the handler runs.
  app.get('/notes', { config: { auth: { scopes: [apiScope], returnTo: '/notes' } } }, async (request, reply) => {
    const note = request.draft('note')
    request.dropDraft('note')
    return reply.type('text/html').send(page(`<p>Verified.</p><p>Your note: <q id="note">${escapeHtml(note?.text ?? '')}</q></p><p><a href="/">Home</a></p>`))
  })

  return app
}
