import type { FastifyInstance } from 'fastify'
import { GraphError, sendGraphError } from './graph-error.ts'
import { OAuthError, sendOAuthError } from './oauth-error.ts'

// Unknown routes answer in the shape a client of that path parses: Graph's error under /v1.0/
// (Graph: 400 BadRequest "Resource not found for the segment"), OAuth's everywhere else. Entra
// itself answers unknown paths with an HTML page (not checked offline); a JSON body a client
// can read is kinder to tests, and no client depends on Entra's HTML.

export function notFoundHandlers(app: FastifyInstance) {
  app.setNotFoundHandler(async (request, reply) => {
    const path = request.url.split('?')[0]
    if (path.startsWith('/v1.0/')) {
      const segment = path.slice('/v1.0/'.length).split('/')[0]
      return sendGraphError(request, reply, new GraphError(400, 'BadRequest', `Resource not found for the segment '${segment}'.`))
    }
    return sendOAuthError(reply, new OAuthError('invalid_request', 90000, `The local tenant has no endpoint ${request.method} ${path}.`, { status: 404 }))
  })
}
