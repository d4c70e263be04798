import { randomUUID } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'

// Microsoft Graph's error shape: {"error":{"code","message","innerError":{date, request-id, client-request-id}}}.

export class GraphError extends Error {
  status: number
  code: string
  /** A WWW-Authenticate value (CAE's claims challenge). */
  challenge?: string
  constructor(status: number, code: string, message: string, challenge?: string) {
    super(message)
    this.status = status
    this.code = code
    this.challenge = challenge
  }
}

export function sendGraphError(request: FastifyRequest, reply: FastifyReply, error: GraphError) {
  const clientRequestId = request.headers['client-request-id']
  const requestId = randomUUID()
  if (error.challenge) reply.header('www-authenticate', error.challenge)
  return reply.code(error.status).header('request-id', requestId).send({
    error: {
      code: error.code,
      message: error.message,
      innerError: { date: new Date().toISOString().replace(/\.\d+Z$/, ''), 'request-id': requestId, 'client-request-id': typeof clientRequestId === 'string' ? clientRequestId : requestId },
    },
  })
}
