import type { FastifyReply, FastifyRequest } from 'fastify'

// htmx's conventions for the plugin's answers: an htmx request is told where to go with
// HX-Redirect (htmx follows it with a full page load); a browser with a redirect.

export const isHtmx = (request: FastifyRequest) => request.headers['hx-request'] === 'true'

/** Full-page navigation: HX-Redirect (200) for htmx, 303 for a browser after a form post, else 302. */
export function navigate(request: FastifyRequest, reply: FastifyReply, location: string) {
  if (isHtmx(request)) return reply.code(200).header('HX-Redirect', location).send()
  return reply.redirect(location, request.method === 'GET' ? 302 : 303)
}
