import type { FastifyReply, FastifyRequest } from 'fastify'

// htmx conventions in one place: detect htmx requests, and redirect them the way htmx follows.

export const isHtmx = (request: FastifyRequest) => request.headers['hx-request'] === 'true'

/** Full-page navigation: HX-Redirect (200) for htmx, 303 for a browser after a form post, else 302. */
export function navigate(request: FastifyRequest, reply: FastifyReply, location: string) {
  if (isHtmx(request)) return reply.code(200).header('HX-Redirect', location).send()
  return reply.redirect(location, request.method === 'GET' ? 302 : 303)
}

/** The request came from the inline editor's form (htmx names its source element). */
export const fromEditor = (request: FastifyRequest) => String(request.headers['hx-source'] ?? '').endsWith('#profile-editor')

/**
 * Puts a problem into the editor's message area instead of replacing the form, so what the
 * user typed stays on screen (HX-Retarget/HX-Reswap).
 */
export function retargetToEditorProblem(reply: FastifyReply) {
  return reply.header('HX-Retarget', '#editor-problem').header('HX-Reswap', 'innerHTML')
}

/** The address bar shows `path` after this swap, without a new history entry (HX-Replace-Url). */
export function replaceUrl(reply: FastifyReply, path: string) {
  return reply.header('HX-Replace-Url', path)
}
