import { randomBytes } from 'node:crypto'
import { createRequire } from 'node:module'
import { fastifyCookie, Signer } from '@fastify/cookie'
import csrfProtection from '@fastify/csrf-protection'
import { MemoryStore } from '@fastify/session'
import Fastify, { type FastifyReply, type FastifyRequest, type Session } from 'fastify'
import { languages } from '../../src/bff/i18n/language.ts'
import { translator } from '../../src/bff/i18n/translator.ts'
import { securityHeadersFor } from '../../src/bff/plugins/security.ts'
import { registerSession, rememberingSigner, sessionCookieName } from '../../packages/fastify-entra-bff/src/session.ts'
import { bindTokenCache } from '../../packages/fastify-entra-bff/src/stores/token-cache-binding.ts'
import { registerViews } from '../../src/bff/plugins/views.ts'
import { snapshotOf } from '../../src/bff/profile-snapshot.ts'
import type { BffSessionConfig, LogLevel } from '../../src/config/types.ts'
import { readEnv } from '../../src/config/read-env.ts'
import { createGraphClient } from '../../src/lib/graph-client.ts'
import type { Profile } from '../../src/lib/profile.ts'
import { createHttpAgent } from 'fastify-entra-bff'
import { loggerOptions } from '../../src/lib/logger.ts'
import { fetchTenantMetadata } from 'fastify-entra-bff'
import { inputFromParent, serveParent } from '../child-role.ts'

// Child process: what the profile page costs with no BFF in the way. `direct` calls Graph /me
// with one fixed token over the same undici agent and Graph client, and renders the BFF's own
// profile template; `ceiling` renders that page from memory.
// Given `floors`, also the two floors between `direct` and the BFF's profile page, each in its
// own encapsulated context (its hooks do not touch `direct`): `floor` does by hand the least a
// signed-in page must do per request (signed cookie → session in a Map, CSRF token, the BFF's
// headers); `session-floor` does the same through the BFF's session stack (@fastify/session
// with the BFF's registerSession, @fastify/csrf-protection). Both read the same sessions: one
// real signed-in session of the BFF copied once per bench user.

interface FloorsInput {
  /** One signed-in session as the BFF's store holds it, as JSON (the BFF role's `footprint`). */
  sessionJson: string
  /** How many copies: one per bench user. */
  users: number
  /** The tenant's authority: its metadata names the origins the CSP's form-action allows. */
  authority: string
}

const { graphToken, graphBaseUrl, caCertificatePem, floors } = await inputFromParent<{ graphToken: string; graphBaseUrl: string; caCertificatePem: string; floors?: FloorsInput }>()
const agent = createHttpAgent({ extraCaPem: [caCertificatePem] })
const graph = createGraphClient({ baseUrl: graphBaseUrl, dispatcher: agent })
const app = Fastify({ logger: loggerOptions((process.env.BENCH_LOG_LEVEL ?? 'warn') as LogLevel, 'bench-baseline') })
app.addHook('onClose', async () => agent.close())
await registerViews(app, true)

const user = { name: 'Bench User 0', username: 'bench-user-0@contoso.test' }
// The page carries a CSRF token like the BFF's; a constant here, since nothing is submitted.
const csrfToken = 'bench-baseline-csrf-token-of-realistic-length-0000'

// The page's texts and language picker, as the BFF passes them (English).
const t = translator('en')
const texts = { t, lang: 'en', dir: 'ltr', languages: languages.map((code) => ({ code, name: t(`language.${code}`), current: code === 'en', returnTo: '%2Fprofile' })) }

/** The profile page's data; the floors pass their session's user and a real CSRF token. */
function pageData(profile: Profile, signedIn: unknown = user, token = csrfToken) {
  return { ...texts, user: signedIn, csrfToken: token, profile: snapshotOf(profile) }
}

const remembered = pageData(await graph.getMe(graphToken, 'bench-warmup'))

app.get('/direct', async (request, reply) => {
  const html = await reply.viewAsync('pages/profile.hbs', pageData(await graph.getMe(graphToken, request.id)), { layout: 'layouts/main.hbs' })
  return reply.type('text/html; charset=utf-8').send(html)
})

app.get('/ceiling', async (_request, reply) => {
  const html = await reply.viewAsync('pages/profile.hbs', remembered, { layout: 'layouts/main.hbs' })
  return reply.type('text/html; charset=utf-8').send(html)
})

const floorCookies = floors ? await registerFloors(floors) : []

/** The floors' routes; answers one cookie per copied session (`name=value`, as a browser sends it). */
async function registerFloors(input: FloorsInput): Promise<string[]> {
  // The local profile's defaults (the environment schema's), as bff-config.ts reads them.
  const defaults = readEnv({})
  const sessionConfig: BffSessionConfig = {
    // The cookie's signing secret: random per run, as the local profile's (≥ 32 chars).
    secrets: [randomBytes(32).toString('base64')],
    secureCookie: false,
    idleTimeoutMs: defaults.SESSION_IDLE_MINUTES * 60_000,
    absoluteTimeoutMs: defaults.SESSION_ABSOLUTE_HOURS * 3_600_000,
    // Only for token caches in Redis; the floors keep none.
    tokenCacheKeys: [],
  }
  const cookieName = sessionCookieName(sessionConfig)
  // @fastify/csrf as @fastify/csrf-protection loads it (it is that plugin's dependency, not this project's).
  const { default: CSRF } = createRequire(import.meta.resolve('@fastify/csrf-protection'))('@fastify/csrf') as { default: new () => { create(secret: string): string; secretSync(): string } }
  const tokens = new CSRF()

  // The copies, keyed by the bare session id as @fastify/session's MemoryStore keys them. The
  // BFF's MemoryStore holds the Session object itself; these are its fields as JSON gives them
  // back (as connect-redis does for the BFF on Redis), which @fastify/session restores alike, and
  // once a copy is saved (the idle timeout's renewal, once a minute) the Map holds a Session too.
  // Each gets a fresh id, as @fastify/session makes them (24 random bytes, base64url), and a
  // fresh CSRF secret, as @fastify/csrf-protection makes them, and its own token cache binding.
  const template = JSON.parse(input.sessionJson) as Session & { _csrf?: string }
  if (!template.user || !template._csrf) throw new Error('the session to copy is not signed in or has no CSRF secret')
  const sessions = new Map<string, Session & { _csrf?: string }>()
  const signer = new Signer(sessionConfig.secrets, 'sha256')
  const cookies: string[] = []
  for (let index = 0; index < input.users; index++) {
    const id = randomBytes(24).toString('base64url')
    const copy: Session & { _csrf?: string; sessionId: string } = { ...structuredClone(template), _csrf: tokens.secretSync(), sessionId: id }
    // A token cache is bound to its session id (token-cache-binding.ts): each copy gets its own binding.
    if (template.tokenCacheKey) bindTokenCache(copy, template.tokenCacheKey, sessionConfig.secrets)
    sessions.set(id, copy)
    cookies.push(`${cookieName}=${encodeURIComponent(signer.sign(id))}`)
  }

  // The headers the BFF sets on every response: helmet's, from the BFF's own options
  // (security.ts), and no-store (cache-policy.ts).
  const headers: [string, string][] = [...securityHeadersFor(await fetchTenantMetadata(input.authority, agent)), ['cache-control', 'no-store']]
  const setHeaders = (_request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    for (const [name, value] of headers) reply.header(name, value)
    done()
  }
  const renderPage = async (request: FastifyRequest, reply: FastifyReply, signedIn: unknown, token: string) => {
    const html = await reply.viewAsync('pages/profile.hbs', pageData(await graph.getMe(graphToken, request.id), signedIn, token), { layout: 'layouts/main.hbs' })
    return reply.type('text/html; charset=utf-8').header('content-language', 'en').send(html)
  }

  await app.register(async (child) => {
    const verifier = rememberingSigner(sessionConfig.secrets)
    child.addHook('onRequest', setHeaders)
    child.get('/floor', async (request, reply) => {
      const signed = fastifyCookie.parse(request.headers.cookie ?? '')[cookieName]
      const unsigned = signed ? verifier.unsign(signed) : undefined
      const session = unsigned?.valid ? sessions.get(unsigned.value) : undefined
      if (!session?.user || !session._csrf) return reply.code(401).send()
      return renderPage(request, reply, session.user, tokens.create(session._csrf))
    })
  })

  await app.register(async (child) => {
    await registerSession(child, sessionConfig, new MemoryStore(sessions), async () => {})
    await child.register(csrfProtection, { sessionPlugin: '@fastify/session' })
    child.addHook('onRequest', setHeaders)
    child.get('/session-floor', async (request, reply) => {
      const signedIn = request.session.user
      if (!signedIn) return reply.code(401).send()
      return renderPage(request, reply, signedIn, reply.generateCsrf())
    })
  })
  return cookies
}

await app.listen({ host: '127.0.0.1', port: 0 })
const address = app.server.address()
serveParent({ url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`, floorCookies }, {}, () => app.close())
