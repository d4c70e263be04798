import cookie from '@fastify/cookie'
import rateLimit from '@fastify/rate-limit'
import view from '@fastify/view'
import type { FastifyInstance } from 'fastify'
import handlebars from 'handlebars'
import type { TenantContext } from './context.ts'
import { pageLanguages } from './page-language.ts'
import { pageSecurityHeaders } from './page-security.ts'
import { authorizeRoutes } from './routes/authorize.ts'
import { logoutRoutes } from './routes/logout.ts'
import { mailboxRoutes } from './routes/mailbox.ts'
import { signInPageRoutes } from './routes/sign-in-pages.ts'

// What a browser visits: authorize, the sign-in/sign-up/MFA pages, logout and the dev mailbox.
// Registered on both origins: the https one, as Entra serves them next to discovery and token,
// and the plain-http one (a stock browser, no certificate to trust).

const viewsRoot = new URL('../views/', import.meta.url).pathname

export async function browserEndpoints(app: FastifyInstance, context: TenantContext) {
  const { tenant } = context
  await app.register(cookie)
  await app.register(view, {
    engine: { handlebars }, root: viewsRoot, layout: 'layout.hbs', production: true,
    defaultContext: { tenantName: tenant.tenant.displayName },
  })
  pageSecurityHeaders(app) // after @fastify/view, whose own hook resets reply.locals
  pageLanguages(app, context)
  logoutRoutes(app, context)
  mailboxRoutes(app, context)
  // Per address: authorize (it starts a tenant session and a sign-in) and the sign-in posts.
  await app.register(async (signInPages) => {
    await signInPages.register(rateLimit, { max: tenant.settings.signInRequestsPerMinute, timeWindow: '1 minute' })
    authorizeRoutes(signInPages, context)
    signInPageRoutes(signInPages, context)
  })
  app.get('/', async (_request, reply) => reply.view('index.hbs', { tenantId: tenant.tenant.id, subdomain: tenant.tenant.subdomain, title: 'Local tenant' }))
}
