import Fastify from 'fastify'
import { languages } from '../../src/bff/i18n/language.ts'
import { translator } from '../../src/bff/i18n/translator.ts'
import { registerViews } from '../../src/bff/plugins/views.ts'
import { snapshotOf } from '../../src/bff/profile-snapshot.ts'
import { createGraphClient } from '../../src/lib/graph-client.ts'
import type { Profile } from '../../src/lib/profile.ts'
import { createHttpAgent } from '../../src/lib/http-agent.ts'
import { loggerOptions } from '../../src/lib/logger.ts'
import type { LogLevel } from '../../src/config/types.ts'
import { inputFromParent, serveParent } from '../child-role.ts'

// Child process: what the profile page costs with no BFF in the way. `direct` calls Graph /me
// with one fixed token over the same undici agent and Graph client, and renders the BFF's own
// profile template; `ceiling` renders that page from memory.

const { graphToken, graphBaseUrl, caCertificatePem } = await inputFromParent<{ graphToken: string; graphBaseUrl: string; caCertificatePem: string }>()
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

function pageData(profile: Profile) {
  return { ...texts, user, csrfToken, profile: snapshotOf(profile) }
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

await app.listen({ host: '127.0.0.1', port: 0 })
const address = app.server.address()
serveParent({ url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` }, {}, () => app.close())
