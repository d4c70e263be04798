import Fastify from 'fastify'
import t, { type Test } from 'tap'
import { en } from '../../../src/bff/i18n/messages-en.ts'
import { de } from '../../../src/bff/i18n/messages-de.ts'
import { BffBrowser, startTestBff } from '../../helpers/bff.ts'
import { startTestTenant } from '../../helpers/local-tenant.ts'
import { startTestProfileService } from '../../helpers/profile-service.ts'
import { documentLanguage, text } from '../../../harness/html.ts'
import type { LocalTenant } from 'entra-local-tenant'

// Text from upstreams never reaches a page: when Graph refuses a change, or the service reports a
// field problem in its English, the editor shows only the BFF's own sentences, in the user's
// language. The tenant and the BFF are real; the edge that refuses is a stand-in.

const graphSentence = "Invalid value specified for property 'displayName' of resource 'User'."
const serviceSentence = 'Given name must be at most 64 characters.'

async function listen(t: Test, app: ReturnType<typeof Fastify>) {
  t.teardown(() => app.close())
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
}

/** Graph for the service: /me is the demo user; every change is refused with Graph's English. */
async function refusingGraph(t: Test) {
  const graph = Fastify()
  graph.get('/v1.0/me', async () => ({ id: 'u1', displayName: 'Demo User', givenName: 'Demo', surname: 'User', mail: 'demo@contoso.test' }))
  graph.patch('/v1.0/me', async (_request, reply) => reply.code(400).send({ error: { code: 'Request_BadRequest', message: graphSentence } }))
  return `${await listen(t, graph)}/v1.0`
}

/** An edit profile service of another version: its rules say no in English, with a rule name. */
async function fussyService(t: Test) {
  const service = Fastify()
  service.patch('/me', async (_request, reply) => reply.code(422).send({
    error: { code: 'invalid_profile', message: 'Some profile fields are not valid.', details: { givenName: serviceSentence }, problems: { givenName: { rule: 'maxLength', max: 64 } } },
  }))
  return listen(t, service)
}

async function editorIn(tenant: LocalTenant, url: string, language: 'en' | 'de') {
  const browser = new BffBrowser(url, tenant)
  if (language === 'de') await browser.get('/language/de?returnTo=%2F')
  await browser.signIn()
  await browser.get('/profile/editor', { htmx: true })
  const landing = await browser.authorize('/auth/step-up')
  await browser.get(landing.location!)
  return browser
}

for (const language of ['en', 'de'] as const) {
  const catalog = language === 'de' ? de : en

  t.test(`a change Graph refuses shows our sentence, not Graph's (${language})`, async (t) => {
    const tenant = await startTestTenant(t)
    const service = await startTestProfileService(t, tenant, { graphBaseUrl: await refusingGraph(t) })
    const bff = await startTestBff(t, tenant, service.url)
    const browser = await editorIn(tenant, bff.url, language)
    for (const htmx of [false, true]) {
      const refused = await browser.send(htmx ? 'PATCH' : 'POST', '/profile', { htmx, form: { displayName: 'Refused Name', givenName: 'Demo', surname: 'User' } })
      t.equal(refused.status, 422)
      if (!htmx) t.equal(documentLanguage(refused.body).lang, language)
      t.equal(text(refused.body, '#editor-problem [role="alert"] p'), catalog['error.changeRefused'])
      t.notMatch(refused.body, /Invalid value specified|resource 'User'|Request_BadRequest/, 'no word of Graph\'s')
    }
  })

  t.test(`a field problem the service words in English is shown from our catalog (${language})`, async (t) => {
    const tenant = await startTestTenant(t)
    const bff = await startTestBff(t, tenant, await fussyService(t))
    const browser = await editorIn(tenant, bff.url, language)
    const refused = await browser.send('PATCH', '/profile', { htmx: true, form: { displayName: 'Demo User', givenName: 'Fine Here', surname: 'User' } })
    t.equal(refused.status, 422)
    const expected = language === 'de' ? 'Vorname darf höchstens 64 Zeichen lang sein.' : 'Given name must be at most 64 characters.'
    t.equal(text(refused.body, '#error-givenName'), expected)
    if (language === 'de') t.notMatch(refused.body, /must be at most|not valid/, 'no English sentence in the German page')
    t.notMatch(refused.body, /Some profile fields are not valid/, 'the service\'s summary is not shown either')
  })
}
