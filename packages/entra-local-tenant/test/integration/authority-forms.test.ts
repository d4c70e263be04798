import { ConfidentialClientApplication } from '@azure/msal-node'
import { decodeJwt } from 'jose'
import t from 'tap'
import { createHttpAgent, createMsalNetworkClient } from '../helpers/http.ts'
import type { LocalTenant } from '../../src/index.ts'
import { startTestTenant } from '../helpers/tenant.ts'

// msal-node 7 discovers metadata and checks the issuer against the authority: these are the forms
// docs/local-tenant.md promises to work (client credentials needs discovery and the token endpoint).

function clientWithAuthority(tenant: LocalTenant, authority: string, knownAuthorities: string[]) {
  return new ConfidentialClientApplication({
    auth: { clientId: tenant.apps.bff.clientId, clientSecret: tenant.apps.bff.clientSecret, authority, knownAuthorities },
    system: { networkClient: createMsalNetworkClient(createHttpAgent({ extraCaPem: [tenant.caCertificatePem] })) },
  })
}

const graphDefault = { scopes: ['https://graph.microsoft.com/.default'] }

t.test('msal accepts the tenant id authority with the back channel as known authority', async (t) => {
  const tenant = await startTestTenant(t)
  const result = await clientWithAuthority(tenant, tenant.authority, [tenant.knownAuthority]).acquireTokenByClientCredential(graphDefault)
  t.equal(decodeJwt(result!.accessToken).tid, tenant.tenantId)
})

t.test('msal accepts the {subdomain}.onmicrosoft.com authority on the same host', async (t) => {
  const tenant = await startTestTenant(t)
  const authority = `${tenant.httpsOrigin}/${tenant.subdomain}.onmicrosoft.com`
  const result = await clientWithAuthority(tenant, authority, [tenant.knownAuthority]).acquireTokenByClientCredential(graphDefault)
  t.equal(decodeJwt(result!.accessToken).tid, tenant.tenantId)
})

t.test('msal refuses an http authority, so the back channel has to be https', async (t) => {
  const tenant = await startTestTenant(t)
  const client = clientWithAuthority(tenant, `${tenant.httpOrigin}/${tenant.tenantId}`, [new URL(tenant.httpOrigin).host])
  await t.rejects(client.acquireTokenByClientCredential(graphDefault), /authority_uri_insecure/)
})
