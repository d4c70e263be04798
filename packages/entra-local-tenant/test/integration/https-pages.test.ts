import t from 'tap'
import { request } from 'undici'
import { createHttpAgent } from '../helpers/http.ts'
import { startTestTenant } from '../helpers/tenant.ts'
import { msalClientFor, redirectUri } from '../../../../harness/msal-client.ts'
import { followAuthorize } from '../../../../harness/tenant-pages.ts'

// Issue 12, item 1: authorize, the sign-in pages, logout and the mailbox answer on the https
// origin too, for every tenant path form, as Entra serves them next to discovery and token.

t.test('browser endpoints on the https origin', async (t) => {
  const tenant = await startTestTenant(t)
  const agent = createHttpAgent({ extraCaPem: [tenant.caCertificatePem] })
  t.teardown(() => agent.close())
  const client = msalClientFor(tenant, { clientId: tenant.apps.bff.clientId, clientSecret: tenant.apps.bff.clientSecret })

  for (const path of [tenant.tenantId, `${tenant.subdomain}.onmicrosoft.com`, `${tenant.subdomain}.ciamlogin.com`]) {
    t.test(`authorize and logout answer under /${path}/`, async (t) => {
      const authorizeUrl = new URL(await client.getAuthCodeUrl({ scopes: ['openid'], redirectUri, codeChallenge: 'x'.repeat(43), codeChallengeMethod: 'S256' }))
      const url = `${tenant.httpsOrigin}/${path}/oauth2/v2.0/authorize${authorizeUrl.search}`
      const page = await request(url, { dispatcher: agent })
      t.equal(page.statusCode, 200)
      t.match(await page.body.text(), /Email address/)
      t.match(String(page.headers['set-cookie']), /lt_session=.*; Secure/i, 'the tenant cookie is Secure on https')
      const logout = await request(`${tenant.httpsOrigin}/${path}/oauth2/v2.0/logout`, { dispatcher: agent })
      t.equal(logout.statusCode, 200)
      await logout.body.dump()
    })
  }

  t.test('a whole sign-in runs on the https pages and the code redeems', async (t) => {
    const authorizeUrl = new URL(await client.getAuthCodeUrl({ scopes: ['openid', 'User.Read'], redirectUri, codeChallenge: 'x'.repeat(43), codeChallengeMethod: 'S256' }))
    const httpsUrl = `${tenant.httpsOrigin}${authorizeUrl.pathname}${authorizeUrl.search}`
    const { redirectUrl } = await followAuthorize(tenant, httpsUrl, tenant.demoUser, new Map(), agent)
    t.match(redirectUrl, /^http:\/\/localhost:3000\/auth\/redirect\?code=/)
  })

  t.test('the mailbox answers on https', async (t) => {
    const mailbox = await request(`${tenant.httpsOrigin}/mailbox`, { dispatcher: agent })
    t.equal(mailbox.statusCode, 200)
    t.match(String(mailbox.headers['content-security-policy']), /frame-ancestors 'none'/)
    await mailbox.body.dump()
  })

  t.test('by default discovery sends browsers to the plain-http pages (npm start)', async (t) => {
    const document = (await (await request(`${tenant.httpsOrigin}/${tenant.tenantId}/v2.0/.well-known/openid-configuration`, { dispatcher: agent })).body.json()) as Record<string, string>
    t.equal(document.authorization_endpoint, `${tenant.httpOrigin}/${tenant.tenantId}/oauth2/v2.0/authorize`)
    t.equal(tenant.browserOrigin, tenant.httpOrigin)
  })
})

t.test('with pagesOnHttps, discovery sends browsers to the https origin', async (t) => {
  const tenant = await startTestTenant(t, { pagesOnHttps: true })
  const agent = createHttpAgent({ extraCaPem: [tenant.caCertificatePem] })
  t.teardown(() => agent.close())
  const document = (await (await request(`${tenant.httpsOrigin}/${tenant.tenantId}/v2.0/.well-known/openid-configuration`, { dispatcher: agent })).body.json()) as Record<string, string>
  t.equal(document.authorization_endpoint, `${tenant.httpsOrigin}/${tenant.tenantId}/oauth2/v2.0/authorize`)
  t.equal(document.end_session_endpoint, `${tenant.httpsOrigin}/${tenant.tenantId}/oauth2/v2.0/logout`)
})
