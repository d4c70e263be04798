import { randomBytes } from 'node:crypto'
import type { FastifyInstance, FastifyReply } from 'fastify'

// Headers for the tenant's pages: they may not be framed (clickjacking of the sign-in and code
// forms), and run only the style and script this response carries (a fresh nonce each time).
// No form-action: the sign-in forms end in a redirect to the app, which form-action would block.

declare module 'fastify' {
  interface FastifyReply {
    /** Values every template sees (@fastify/view merges them in; it does not declare the type). */
    locals: Record<string, unknown> | null
  }
}

function pagePolicy(nonce: string, frameOrigins: string[] = []): string {
  return [
    "default-src 'none'", `style-src 'nonce-${nonce}'`, `script-src 'nonce-${nonce}'`, "img-src 'self'",
    ...(frameOrigins.length > 0 ? [`frame-src ${frameOrigins.join(' ')}`] : []),
    "base-uri 'none'", "frame-ancestors 'none'",
  ].join('; ')
}

/** The logout page frames the apps' front-channel logout URLs: only those origins, nothing else. */
export function allowFrames(reply: FastifyReply, urls: string[]) {
  const origins = [...new Set(urls.map((url) => new URL(url).origin))]
  reply.header('content-security-policy', pagePolicy(String(reply.locals?.cspNonce), origins))
}

export function pageSecurityHeaders(app: FastifyInstance) {
  app.addHook('onRequest', async (_request, reply) => {
    const nonce = randomBytes(16).toString('base64url')
    reply.locals = { ...reply.locals, cspNonce: nonce }
    reply.header('content-security-policy', pagePolicy(nonce))
    reply.header('x-frame-options', 'DENY')
    reply.header('x-content-type-options', 'nosniff')
    reply.header('referrer-policy', 'no-referrer')
  })
}
