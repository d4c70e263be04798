import type { FastifyReply, FastifyRequest } from 'fastify'

// The editor's htmx conventions: which element a request came from, where problems go. Detecting
// htmx and redirecting it are fastify-entra-bff's (isHtmx, navigate), shared with its answers.

export { isHtmx, navigate } from 'fastify-entra-bff'

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
