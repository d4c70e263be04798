import t from 'tap'
import { buildBff } from '../../../src/bff/app.ts'
import { BffBrowser, bffConfig, startTestBff } from '../../helpers/bff.ts'
import { parseHtml } from '../../../harness/html.ts'
import { startTestTenant } from '../../helpers/local-tenant.ts'
import { freePort } from '../../../harness/ports.ts'

// `npm start -- bff` starts the BFF without the local tenant (the README's "one role alone"):
// signing in then meets the failure table's tenant row, in our words, with the support id once.

/** How often the page's visible text shows the support id the page names. */
function supportIdMentions(html: string): { supportId: string; mentions: number } {
  const $ = parseHtml(html)
  const supportId = $('p:contains("Support id:") > code').first().text().trim()
  return { supportId, mentions: $('body').text().split(supportId).length - 1 }
}

t.test('a BFF started without its tenant answers sign-in with the tenant-unreachable row and the support id once', async (t) => {
  const tenant = await startTestTenant(t)
  // The tenant's address with nothing listening: what the BFF meets when started alone.
  const authority = new URL(tenant.authority)
  authority.port = String(await freePort())
  const bff = await startTestBff(t, tenant, 'http://127.0.0.1:9', { config: { tenant: { ...bffConfig(tenant, 0, '').tenant, authority: authority.toString() } } })
  const browser = new BffBrowser(bff.url, tenant)
  const signIn = await browser.get('/auth/sign-in')
  t.equal(signIn.status, 502, 'the failure table\'s "tenant unreachable" row, not a generic 500')
  const $ = parseHtml(signIn.body)
  t.match($('[role="alert"]').text(), /We could not reach the sign-in service\. Try again in a moment\./)
  const { supportId, mentions } = supportIdMentions(signIn.body)
  t.not(supportId, '', 'a support id is shown')
  t.equal(mentions, 1, 'and shown once')
  t.notMatch(signIn.body, /ECONNREFUSED|openid-configuration/, 'no upstream or network text')
})

t.test('an unexpected server error shows its support id once, in both languages', async (t) => {
  const tenant = await startTestTenant(t)
  const port = await freePort()
  const app = await buildBff(bffConfig(tenant, port, 'http://127.0.0.1:9'))
  t.teardown(() => app.close())
  app.get('/a-route-that-fails', async () => {
    throw new Error('an internal detail the user never sees')
  })
  await app.listen({ host: '127.0.0.1', port })
  for (const [language, sentence] of [['en', /Contact support with the id below\./], ['de', /Wenden Sie sich mit der unten stehenden ID an den Support\./]] as const) {
    const browser = new BffBrowser(`http://localhost:${port}`, tenant)
    await browser.get(`/language/${language}`)
    const page = await browser.get('/a-route-that-fails')
    t.equal(page.status, 500)
    t.match(page.body, sentence)
    t.notMatch(page.body, /internal detail/)
    const $ = parseHtml(page.body)
    const supportId = $('p.muted > code').first().text().trim()
    t.not(supportId, '', `${language}: a support id is shown`)
    t.equal($('body').text().split(supportId).length - 1, 1, `${language}: and shown once`)
  }
})
