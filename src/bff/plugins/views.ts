import fastifyStatic from '@fastify/static'
import view from '@fastify/view'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import handlebars from 'handlebars'

// Handlebars pages and fragments, css from public/, htmx from node_modules (no CDN).

const root = new URL('../../../', import.meta.url).pathname
const partials = ['profile-card', 'profile-editor', 'cancel-edit', 'step-up', 'editor-error', 'sign-in-again']

export async function registerViews(app: FastifyInstance, cache: boolean) {
  await app.register(view, {
    engine: { handlebars: handlebars.create() },
    root: `${root}views`,
    production: cache, // the template cache: set from config, never from NODE_ENV
    options: { partials: Object.fromEntries(partials.map((name) => [name, `partials/${name}.hbs`])) },
  })
  await app.register(fastifyStatic, { root: `${root}public`, prefix: '/public/', maxAge: '1h' })
  await app.register(fastifyStatic, {
    root: `${root}node_modules/htmx.org/dist`, prefix: '/vendor/htmx/', decorateReply: false, allowedPath: (path) => path === '/htmx.min.js', maxAge: '1d',
  })
}

/** Data every full page needs: the signed-in user and, for them, the CSRF token htmx sends. */
function pageContext(request: FastifyRequest, reply: FastifyReply) {
  // No session when its store is down: the error page still renders, signed out.
  const user = request.session?.user
  return { user, csrfToken: user ? reply.generateCsrf() : undefined }
}

export async function renderPage(request: FastifyRequest, reply: FastifyReply, page: string, data: Record<string, unknown> = {}) {
  const html = await reply.viewAsync(`pages/${page}.hbs`, { ...pageContext(request, reply), ...data }, { layout: 'layouts/main.hbs' })
  return reply.type('text/html; charset=utf-8').send(html)
}

export async function renderFragment(reply: FastifyReply, partial: string, data: Record<string, unknown> = {}) {
  const html = await reply.viewAsync(`partials/${partial}.hbs`, data)
  return reply.type('text/html; charset=utf-8').send(html)
}
