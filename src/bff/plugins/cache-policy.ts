import type { FastifyInstance } from 'fastify'

// Pages, fragments and redirects are personal or tied to a session: no browser or proxy may
// store them, so Back after sign-out cannot show a profile or the ID token claims again.
// Static assets (css, htmx) are the same for everyone and keep their own max-age.

const isSharedAsset = (url: string) => url.startsWith('/public/') || url.startsWith('/vendor/')

export function registerCachePolicy(app: FastifyInstance) {
  app.addHook('onRequest', (request, reply, done) => {
    if (!isSharedAsset(request.url)) reply.header('cache-control', 'no-store')
    done()
  })
}
