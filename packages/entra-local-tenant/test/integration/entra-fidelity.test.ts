import { createHash, randomBytes } from 'node:crypto'
import { decodeJwt } from 'jose'
import t from 'tap'
import { request } from 'undici'
import { createHttpAgent } from '../helpers/http.ts'
import { followAuthorize } from '../../../../harness/tenant-pages.ts'
import { startTestTenant } from '../helpers/tenant.ts'
import { checkEntraFidelity, redirectUri } from '../helpers/fidelity.ts'

// Where clients written for real tenants met a tenant stricter or looser than Entra (issue 25,
// item 1): the checks any tenant goes through (helpers/fidelity.ts), and those that start a
// tenant of their own. Each behaviour's source is in docs/local-tenant.md's fidelity table.


t.test('the local tenant as clients written for Entra meet it', async (t) => {
  const tenant = await startTestTenant(t)
  checkEntraFidelity(t, tenant)

  t.test('an app granted User.Read.All reads a user with its app-only token', async (t) => {
    const reader = await startTestTenant(t, { editTenant: (file) => { file.apps.profileService.applicationPermissions = ['User.Read.All'] } })
    const readerAgent = createHttpAgent({ extraCaPem: [reader.caCertificatePem] })
    t.teardown(() => readerAgent.close())
    const response = await request(`${reader.httpsOrigin}/${reader.tenantId}/oauth2/v2.0/token`, {
      method: 'POST', dispatcher: readerAgent, headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: reader.apps.profileService.clientId, client_secret: reader.apps.profileService.clientSecret, scope: 'https://graph.microsoft.com/.default' }).toString(),
    })
    const { access_token: accessToken } = (await response.body.json()) as { access_token: string }
    t.same(decodeJwt(accessToken).roles, ['User.Read.All'])
    const user = await request(`${reader.graphBaseUrl}/users/${encodeURIComponent(reader.demoUser.email)}`, { dispatcher: readerAgent, headers: { authorization: `Bearer ${accessToken}` } })
    t.equal(user.statusCode, 200)
    t.equal(((await user.body.json()) as { displayName: string }).displayName, reader.demoUser.displayName)
  })

  t.test('an ID token is not an on-behalf-of assertion', async (t) => {
    // An ID token issued to the service app itself: right issuer, right audience, no scp.
    const serviceSignIn = await startTestTenant(t, { editTenant: (file) => { file.apps.profileService.redirectUris = [redirectUri] } })
    t.ok(serviceSignIn, 'tenant with the service as a web app too')
    const idToken = await serviceIdToken(serviceSignIn)
    const serviceAgent = createHttpAgent({ extraCaPem: [serviceSignIn.caCertificatePem] })
    t.teardown(() => serviceAgent.close())
    const response = await request(`${serviceSignIn.httpsOrigin}/${serviceSignIn.tenantId}/oauth2/v2.0/token`, {
      method: 'POST', dispatcher: serviceAgent, headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', requested_token_use: 'on_behalf_of', assertion: idToken,
        client_id: serviceSignIn.apps.profileService.clientId, client_secret: serviceSignIn.apps.profileService.clientSecret, scope: 'User.ReadWrite',
      }).toString(),
    })
    const body = (await response.body.json()) as { error: string; error_codes: number[] }
    t.equal(response.statusCode, 400)
    t.equal(body.error, 'invalid_grant')
  })

})

/** An ID token the tenant issues to its service app when that app signs a user in. */
async function serviceIdToken(tenant: Awaited<ReturnType<typeof startTestTenant>>): Promise<string> {
  const agent = createHttpAgent({ extraCaPem: [tenant.caCertificatePem] })
  try {
    const verifier = randomBytes(32).toString('base64url')
    const url = new URL(`${tenant.httpOrigin}/${tenant.tenantId}/oauth2/v2.0/authorize`)
    for (const [name, value] of Object.entries({
      client_id: tenant.apps.profileService.clientId, response_type: 'code', redirect_uri: redirectUri, scope: 'openid', state: 's',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256',
    })) url.searchParams.set(name, value)
    const { redirectUrl } = await followAuthorize(tenant, url.toString(), tenant.demoUser, new Map())
    const response = await request(`${tenant.httpsOrigin}/${tenant.tenantId}/oauth2/v2.0/token`, {
      method: 'POST', dispatcher: agent, headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code', client_id: tenant.apps.profileService.clientId, client_secret: tenant.apps.profileService.clientSecret,
        code: new URL(redirectUrl).searchParams.get('code') ?? '', code_verifier: verifier, redirect_uri: redirectUri, scope: 'openid',
      }).toString(),
    })
    return ((await response.body.json()) as { id_token: string }).id_token
  } finally {
    await agent.close()
  }
}
