import type { FastifyReply, FastifyRequest } from 'fastify'

// htmx conventions in one place: detect htmx requests, and redirect them the way htmx follows.

export const isHtmx = (request: FastifyRequest) => request.headers['hx-request'] === 'true'

/** Full-page navigation: HX-Redirect (200) for htmx, 303 for a browser after a form post, else 302. */
export function navigate(request: FastifyRequest, reply: FastifyReply, location: string) {
  if (isHtmx(request)) return reply.code(200).header('HX-Redirect', location).send()
  return reply.redirect(location, request.method === 'GET' ? 302 : 303)
}
