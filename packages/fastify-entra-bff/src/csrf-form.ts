import type { FastifyInstance, FastifyRequest, preValidationHookHandler } from 'fastify'

// The body of a post that carries nothing but its CSRF token (sign-out buttons). htmx and
// scripts may send the token in the x-csrf-token header and no body at all: that counts as an
// empty form, so the schema checks what is there rather than refusing a missing body.

export const csrfForm = { type: 'object', properties: { _csrf: { type: 'string' } } } as const

function emptyFormWhenNoBody(request: FastifyRequest, _reply: unknown, done: () => void) {
  request.body ??= {}
  done()
}

/** The route options of a CSRF-protected post whose body is `csrfForm`. */
export function csrfProtectedForm(app: FastifyInstance): { schema: { body: typeof csrfForm }; preValidation: preValidationHookHandler[] } {
  return { schema: { body: csrfForm }, preValidation: [emptyFormWhenNoBody, app.csrfProtection] }
}
