import type { FastifyError, FastifyInstance } from 'fastify'
import { SignInRequiredError } from '../identity.ts'
import { fromEditor, isHtmx, navigate, retargetToEditorProblem } from '../htmx.ts'
import { renderFragment, renderPage } from './views.ts'

// One error handler: a friendly page (or, for htmx, a fragment) with a support id; 4xx keep
// their message, 5xx details stay in the log.

export function registerErrorHandler(app: FastifyInstance) {
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    if (error instanceof SignInRequiredError) {
      request.log.info({ reason: error.message }, 'session needs a new sign-in')
      if (isHtmx(request)) return renderFragment(reply.code(401), 'sign-in-again', { returnTo: '/profile' })
      return navigate(request, reply, `/auth/sign-in?returnTo=${encodeURIComponent(request.url.split('?')[0])}`)
    }
    const status = error.statusCode && error.statusCode >= 400 && (error.statusCode < 500 || error.statusCode === 503) ? error.statusCode : 500
    const message = status === 500
      ? `Something went wrong on our side. Contact support with id ${request.id}.`
      : status === 503 ? 'The service is briefly unavailable. Nothing you typed is lost: try again in a moment.'
      : status === 403 && /csrf/i.test(error.message) ? 'This form has expired. Reload the page and try again.' : error.message
    if (status >= 500) request.log.error({ err: error }, 'request failed')
    else request.log.info({ status, code: error.code }, error.message)
    reply.code(status)
    if (isHtmx(request) && fromEditor(request)) return renderFragment(retargetToEditorProblem(reply), 'editor-error', { message, supportId: request.id, inEditor: true })
    if (isHtmx(request)) return renderFragment(reply, 'editor-error', { message, supportId: request.id })
    return renderPage(request, reply, 'error', { title: status === 500 ? 'Something went wrong' : 'That did not work', message, supportId: request.id })
  })
  app.setNotFoundHandler(async (request, reply) => renderPage(request, reply.code(404), 'error', { title: 'Page not found', message: 'There is no page at this address.', supportId: request.id }))
}
