import fastifyStatic from '@fastify/static'
import view from '@fastify/view'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type Handlebars from 'handlebars'
import type { HelperOptions, TemplateDelegate } from 'handlebars'
import { createRequire } from 'node:module'
import { directionOf, languageOf, languages } from '../i18n/language.ts'
import type { MessageId } from '../i18n/messages-en.ts'
import { translator, type Translate } from '../i18n/translator.ts'
import { isolatedText } from '../display-text.ts'
import { profileCard } from '../profile-card.ts'

// Handlebars pages and fragments, css and the focus script from public/, htmx from node_modules
// (no CDN). Every text comes from the message catalog through the `t` helper.

const root = new URL('../../../', import.meta.url).pathname
const partials = ['profile-card', 'profile-editor', 'cancel-edit', 'step-up', 'editor-error', 'sign-in-again', 'notice', 'profile-conflict']

/**
 * {{#each (profileCard profile)}}: the profile card's rows (profile-card.ts).
 * {{displayText value}}: a name or claim from the tenant or Graph, isolated and with its control
 * characters made visible (display-text.ts); every such value on a page goes through it.
 * {{t "id" name=value}}: the catalog's text in the request's language. Values are escaped (a
 * SafeString, e.g. from another helper, is kept); the catalog's own text is trusted markup-free.
 */
function registerHelpers(hbs: typeof Handlebars) {
  hbs.registerHelper('t', (id: MessageId, options: HelperOptions) => {
    const translate = options.data.root.t as Translate
    const values = Object.fromEntries(Object.entries(options.hash as Record<string, unknown>).map(([name, value]) => [
      name, value instanceof hbs.SafeString ? value.toString() : typeof value === 'number' ? value : hbs.escapeExpression(String(value ?? '')),
    ]))
    return new hbs.SafeString(translate(id, values))
  })
  hbs.registerHelper('profileCard', profileCard)
  hbs.registerHelper('displayText', (value: unknown) => new hbs.SafeString(isolatedText(value, hbs.escapeExpression)))
}

const require = createRequire(import.meta.url)

/**
 * Handlebars as @fastify/view uses it (`compile`, `registerPartial`), loaded and each template
 * compiled at its first render rather than at boot: its compiler and the source maps it carries
 * are about 4 MiB of an idle replica (docs/benchmarks.md). Handlebars is CommonJS, so the first
 * render loads it synchronously.
 */
function handlebarsOnDemand() {
  let hbs: typeof Handlebars | undefined
  const partials = new Map<string, TemplateDelegate>()
  const loaded = () => {
    if (!hbs) {
      hbs = (require('handlebars') as typeof Handlebars).create()
      registerHelpers(hbs)
      for (const [name, partial] of partials) hbs.registerPartial(name, partial)
    }
    return hbs
  }
  return {
    compile(source: string, options?: CompileOptions): TemplateDelegate {
      let template: TemplateDelegate | undefined
      return (context, runtimeOptions) => {
        template ??= loaded().compile(source, options)
        return template(context, runtimeOptions)
      }
    },
    registerPartial(name: string, partial: TemplateDelegate) {
      if (hbs) hbs.registerPartial(name, partial)
      else partials.set(name, partial)
    },
  }
}

type CompileOptions = Parameters<typeof Handlebars.compile>[1]

export async function registerViews(app: FastifyInstance, cache: boolean) {
  await app.register(view, {
    engine: { handlebars: handlebarsOnDemand() },
    root: `${root}views`,
    production: cache, // the template cache: set from config, never from NODE_ENV
    options: { partials: Object.fromEntries(partials.map((name) => [name, `partials/${name}.hbs`])) },
  })
}

/**
 * The stylesheet, focus script and htmx: the same for everyone, so registered in a context
 * without the session (app.ts): they answer without a session store, even while it is down.
 */
export async function registerStaticFiles(app: FastifyInstance) {
  await app.register(fastifyStatic, { root: `${root}public`, prefix: '/public/', maxAge: '1h' })
  // Browsers and tools ask for /favicon.ico whatever the page links: the same SVG icon.
  app.get('/favicon.ico', (_request, reply) => reply.sendFile('favicon.svg'))
  await app.register(fastifyStatic, {
    root: `${root}node_modules/htmx.org/dist`, prefix: '/vendor/htmx/', decorateReply: false, allowedPath: (path) => path === '/htmx.min.js', maxAge: '1d',
  })
}

/** The request's language and its texts, for templates and for messages made in routes. */
export function textsFor(request: FastifyRequest) {
  const language = languageOf(request)
  return { language, t: translator(language) }
}

/**
 * Where the language picker comes back to: this page, except a sign-in callback (its URL holds
 * the authorization code, which must not be copied into links) or a form post (not repeatable).
 */
function pickerReturnTo(request: FastifyRequest): string {
  if (request.method !== 'GET') return request.url.startsWith('/profile') ? '/profile' : '/'
  return request.url.startsWith('/auth/') ? '/' : request.url
}

/** Data every full page needs: the user, the CSRF token htmx sends, the language and its picker. */
function pageContext(request: FastifyRequest, reply: FastifyReply) {
  // No session when its store is down: the error page still renders, signed out.
  const user = request.session?.user
  const { language, t } = textsFor(request)
  const returnTo = encodeURIComponent(pickerReturnTo(request))
  return {
    user, csrfToken: user ? reply.generateCsrf() : undefined, t, lang: language, dir: directionOf(language),
    languages: languages.map((code) => ({ code, name: t(`language.${code}`), current: code === language, returnTo })),
  }
}

export async function renderPage(request: FastifyRequest, reply: FastifyReply, page: string, data: Record<string, unknown> = {}) {
  const context = pageContext(request, reply)
  const html = await reply.viewAsync(`pages/${page}.hbs`, { ...context, ...data }, { layout: 'layouts/main.hbs' })
  return reply.type('text/html; charset=utf-8').header('content-language', context.lang).send(html)
}

export async function renderFragment(reply: FastifyReply, partial: string, data: Record<string, unknown> = {}) {
  const { language, t } = textsFor(reply.request)
  const html = await reply.viewAsync(`partials/${partial}.hbs`, { t, ...data })
  return reply.type('text/html; charset=utf-8').header('content-language', language).send(html)
}
