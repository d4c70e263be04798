import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { editorFields, submittedValues } from '../editor-fields.ts'
import { bffMetrics, DependencyFailure, SignInRequiredError } from 'fastify-entra-bff'
import { answerFor } from '../failure-answers.ts'
import { fromEditor, isHtmx, retargetToEditorProblem } from '../htmx.ts'
import { submittedForm } from '../submitted-form.ts'
import { renderFragment, renderPage, textsFor } from './views.ts'

// One error handler: a friendly page (or, for htmx, a fragment) with a support id. Dependency
// failures answer from the table in failures.ts; other 4xx keep their message; 5xx details stay
// in the log. Whatever the user typed is given back on every path.

/** A save without JavaScript (the editor's plain form post): its values go back into the form. */
const isPlainSave = (request: FastifyRequest) => !isHtmx(request) && request.method === 'POST' && request.url.split('?')[0] === '/profile'

async function answer(request: FastifyRequest, reply: FastifyReply, status: number, message: string) {
  reply.code(status)
  if (isHtmx(request) && fromEditor(request)) return renderFragment(retargetToEditorProblem(reply), 'editor-error', { message, supportId: request.id, inEditor: true })
  if (isHtmx(request)) return renderFragment(reply, 'editor-error', { message, supportId: request.id })
  if (isPlainSave(request)) {
    const form = await submittedForm(request)
    return renderPage(request, reply, 'profile', {
      editing: true, profile: request.session?.profile, fields: editorFields(textsFor(request).t, submittedValues(form)), problem: message, supportId: request.id,
      ...(typeof form._csrf === 'string' && !request.session?.user ? { csrfToken: form._csrf } : {}),
    })
  }
  const { t } = textsFor(request)
  return renderPage(request, reply, 'error', { title: t(status >= 500 ? 'error.title.server' : 'error.title.client'), message, supportId: request.id })
}

/**
 * The session store just failed: answer without the session, or @fastify/session would try to
 * save it again as the page goes out, and that second failure would replace our page with
 * Fastify's raw JSON. The language stays for the page's words; the stored session is untouched.
 */
function answerWithoutSession(request: FastifyRequest) {
  const language = request.session?.language
  Reflect.set(request, 'session', language ? { language } : {})
}

export function registerErrorHandler(app: FastifyInstance) {
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    // The session can no longer get tokens: fastify-entra-bff signs it out (the draft kept) and
    // sends the user to sign in again (htmx: the sign-in-again fragment; a page: home says why).
    if (error instanceof SignInRequiredError) return reply.signInAgain(error.message)
    const keeping = (isHtmx(request) && fromEditor(request)) || isPlainSave(request)
    const kept = keeping ? 'yes' : 'no'
    const { t } = textsFor(request)
    if (error instanceof DependencyFailure) {
      const { status, message, retryAfterSeconds } = answerFor(error, t)
      bffMetrics.upstreamFailed(error.failure)
      request.log.warn({ failure: error.failure, err: error.cause }, 'a dependency failed')
      if (error.failure === 'store-unavailable') answerWithoutSession(request)
      if (retryAfterSeconds) reply.header('retry-after', String(retryAfterSeconds))
      return answer(request, reply, status, `${message} ${t('error.tryAgainLater', { kept })}`)
    }
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500
    if (status === 500) request.log.error({ err: error }, 'request failed')
    else request.log.info({ status, code: error.code }, error.message)
    // Input a route schema refuses gets our words (Fastify's name the schema, not the user's
    // problem); other 4xx (Fastify's own: body too large, bad content type) keep their English message.
    const message = status === 500
      ? t('error.server', { kept })
      : status === 403 && /csrf/i.test(error.message) ? t('error.csrf')
        : error.validation ? t('error.badRequest') : error.message
    return answer(request, reply, status, message)
  })
}

/** The 404 page, registered in the pages' context: a signed-in user still sees their name on it. */
export function registerNotFoundPage(app: FastifyInstance) {
  app.setNotFoundHandler(async (request, reply) => {
    const { t } = textsFor(request)
    return renderPage(request, reply.code(404), 'error', { title: t('error.title.notFound'), message: t('error.notFound'), supportId: request.id })
  })
}
