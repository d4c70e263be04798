import { connect } from 'node:tls'
import { ConfidentialClientApplication, CryptoProvider, InteractionRequiredAuthError } from '@azure/msal-node'
import { decodeJwt } from 'jose'
import t, { type Test } from 'tap'
import { request, type Dispatcher } from 'undici'
import { createMsalNetworkClient } from '../helpers/http.ts'
import type { LocalTenant } from '../../src/index.ts'
import { hostMappingAgent } from '../helpers/host-mapping-agent.ts'
import { startTestTenant } from '../helpers/tenant.ts'
import { followAuthorize, type TenantCookieJar } from '../../../../harness/tenant-pages.ts'

// Issue 12, items 1 and 2: the tenant under a real tenant's names. contoso.ciamlogin.com,
// {tid}.ciamlogin.com and graph.microsoft.com (port 443) reach it through a host-mapping agent;
// the CA is trusted by configuration, certificates are checked. Clients are configured only with
// what a real tenant gives: authority https://contoso.ciamlogin.com/{tid}, client id and secret,
// Graph at https://graph.microsoft.com/v1.0 — no knownAuthorities, no metadata.

const redirectUri = 'http://localhost:3000/auth/redirect'
const graph = 'https://graph.microsoft.com/v1.0'

async function ciamTenant(t: Test): Promise<{ tenant: LocalTenant; agent: Dispatcher }> {
  const tenant = await startTestTenant(t, { hostname: 'contoso.ciamlogin.com', publicHttpsPort: 443, extraHostnames: ['graph.microsoft.com'] })
  const local = { host: '127.0.0.1', port: tenant.boundPorts.https }
  const agent = hostMappingAgent({
    'contoso.ciamlogin.com:443': local, [`${tenant.tenantId}.ciamlogin.com:443`]: local, 'graph.microsoft.com:443': local,
  }, [tenant.caCertificatePem])
  t.teardown(() => agent.close())
  return { tenant, agent }
}

function client(agent: Dispatcher, authority: string, credentials: { clientId: string; clientSecret: string }, clientCapabilities?: string[], knownAuthorities?: string[]) {
  return new ConfidentialClientApplication({
    auth: { authority, ...credentials, ...(clientCapabilities ? { clientCapabilities } : {}), ...(knownAuthorities ? { knownAuthorities } : {}) },
    system: { networkClient: createMsalNetworkClient(agent) },
  })
}

t.test('a {sub}.ciamlogin.com tenant', async (t) => {
  const { tenant, agent } = await ciamTenant(t)
  const tid = tenant.tenantId
  const bffCredentials = { clientId: tenant.apps.bff.clientId, clientSecret: tenant.apps.bff.clientSecret }

  t.test('discovery answers External ID’s issuer and sends browsers to the https origin', async (t) => {
    for (const path of [tid, 'contoso.onmicrosoft.com', 'contoso.ciamlogin.com']) {
      const response = await request(`https://contoso.ciamlogin.com/${path}/v2.0/.well-known/openid-configuration`, { dispatcher: agent })
      const document = (await response.body.json()) as Record<string, string>
      t.equal(document.issuer, `https://${tid}.ciamlogin.com/${tid}/v2.0`, path)
      t.equal(document.authorization_endpoint, `https://contoso.ciamlogin.com/${tid}/oauth2/v2.0/authorize`)
      t.equal(document.end_session_endpoint, `https://contoso.ciamlogin.com/${tid}/oauth2/v2.0/logout`)
    }
  })

  t.test('the certificate names both contoso.ciamlogin.com and {tid}.ciamlogin.com', async (t) => {
    const names = await new Promise<string>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: tenant.boundPorts.https, servername: `${tid}.ciamlogin.com`, ca: tenant.caCertificatePem }, () => {
        resolve(socket.getPeerCertificate().subjectaltname ?? '')
        socket.end()
      })
      socket.on('error', reject)
    })
    t.match(names, 'DNS:contoso.ciamlogin.com')
    t.match(names, `DNS:${tid}.ciamlogin.com`)
    const keys = await request(`https://${tid}.ciamlogin.com/${tid}/discovery/v2.0/keys`, { dispatcher: agent })
    t.equal(keys.statusCode, 200, 'the issuer host verifies against the local CA')
    await keys.body.dump()
  })

  t.test('msal-node 7 accepts the authority https://{sub}.ciamlogin.com/{tid}', async (t) => {
    const result = await client(agent, `https://contoso.ciamlogin.com/${tid}`, bffCredentials).acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] })
    t.ok(result?.accessToken)
  })

  t.test('msal-node 7 refuses the bare authority https://{sub}.ciamlogin.com/, as against Entra', async (t) => {
    // msal-common 16.x Authority.validateIssuer (src/authority/Authority.ts): the bare authority
    // becomes .../contoso.onmicrosoft.com (transformCIAMAuthority), and the GUID issuer matches
    // none of its rules: another host, and not a CIAM pattern for "contoso". AuthorityFactory
    // reports it as endpoints_resolution_error, dropping the inner issuer_validation_failed.
    const scopes = ['https://graph.microsoft.com/.default']
    const failure = await client(agent, 'https://contoso.ciamlogin.com/', bffCredentials).acquireTokenByClientCredential({ scopes }).catch((error: unknown) => error)
    t.match(failure, { errorCode: 'endpoints_resolution_error' })
    // The issuer check is what fails: naming the issuer's host in knownAuthorities (rule 5) lets it pass.
    const allowed = await client(agent, 'https://contoso.ciamlogin.com/', bffCredentials, undefined, [`${tid}.ciamlogin.com`]).acquireTokenByClientCredential({ scopes })
    t.ok(allowed?.accessToken)
  })

  t.test('sign-in, step-up, OBO, Graph PATCH and sign-out through the https origin', async (t) => {
    const bff = client(agent, `https://contoso.ciamlogin.com/${tid}`, bffCredentials, ['cp1'])
    const crypto = new CryptoProvider()
    const jar: TenantCookieJar = new Map()
    async function signIn(scopes: string[], claims?: string) {
      const pkce = await crypto.generatePkceCodes()
      const state = crypto.createNewGuid()
      const nonce = crypto.createNewGuid()
      const url = await bff.getAuthCodeUrl({ scopes, redirectUri, state, nonce, codeChallenge: pkce.challenge, codeChallengeMethod: 'S256', claims, loginHint: tenant.demoUser.email })
      t.equal(new URL(url).origin, 'https://contoso.ciamlogin.com', 'the browser goes to the https origin')
      const { redirectUrl } = await followAuthorize(tenant, url, tenant.demoUser, jar, agent)
      const code = new URL(redirectUrl).searchParams.get('code')!
      return bff.acquireTokenByCode({ code, scopes, redirectUri, codeVerifier: pkce.verifier, state, nonce, claims }, { code, state })
    }

    const signedIn = await signIn(['openid', 'profile', 'offline_access', 'User.Read'])
    t.equal(decodeJwt(signedIn.idToken).iss, `https://${tid}.ciamlogin.com/${tid}/v2.0`)
    t.notOk('amr' in signedIn.idTokenClaims, 'no amr in the v2.0 ID token')
    const me = await request(`${graph}/me`, { dispatcher: agent, headers: { authorization: `Bearer ${signedIn.accessToken}` } })
    t.equal(me.statusCode, 200)
    t.equal(((await me.body.json()) as { displayName: string }).displayName, 'Demo User')

    const serviceScope = tenant.apps.profileService.scope
    const challenge = await bff.acquireTokenSilent({ account: signedIn.account!, scopes: [serviceScope] }).catch((error: unknown) => error)
    t.type(challenge, InteractionRequiredAuthError)
    const claims = (challenge as InteractionRequiredAuthError).claims
    const steppedUp = await signIn([serviceScope], claims)
    const serviceToken = decodeJwt(steppedUp.accessToken)
    t.equal(serviceToken.aud, tenant.apps.profileService.clientId)
    t.notOk('amr' in serviceToken, 'no amr in the v2.0 access token')
    t.same(serviceToken.xms_cc, ['cp1'], 'the declared client capability is in the token')

    const service = client(agent, `https://contoso.ciamlogin.com/${tid}`, { clientId: tenant.apps.profileService.clientId, clientSecret: tenant.apps.profileService.clientSecret })
    const obo = await service.acquireTokenOnBehalfOf({ oboAssertion: steppedUp.accessToken, scopes: ['https://graph.microsoft.com/User.ReadWrite'] })
    t.same(decodeJwt(obo!.accessToken).amr, ['pwd', 'mfa'], 'the Graph (v1.0) token carries amr')
    const patched = await request(`${graph}/me`, {
      method: 'PATCH', dispatcher: agent, headers: { authorization: `Bearer ${obo!.accessToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ displayName: 'Renamed Over HTTPS' }),
    })
    t.equal(patched.statusCode, 204)
    await patched.body.dump()
    const reread = await request(`${graph}/me`, { dispatcher: agent, headers: { authorization: `Bearer ${obo!.accessToken}` } })
    t.equal(((await reread.body.json()) as { displayName: string }).displayName, 'Renamed Over HTTPS')

    // Sign-out in Microsoft's documented URL form: https://{sub}.ciamlogin.com/{sub}.onmicrosoft.com/oauth2/v2.0/logout
    const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ')
    const logout = await request(`https://contoso.ciamlogin.com/contoso.onmicrosoft.com/oauth2/v2.0/logout?post_logout_redirect_uri=${encodeURIComponent('http://localhost:3000/')}`, { dispatcher: agent, headers: { cookie } })
    t.equal(logout.statusCode, 302)
    t.equal(logout.headers.location, 'http://localhost:3000/')
    await logout.body.dump()
    const silent = await bff.getAuthCodeUrl({ scopes: ['openid'], redirectUri, prompt: 'none', codeChallenge: 'x'.repeat(43), codeChallengeMethod: 'S256' })
    const after = await request(silent, { dispatcher: agent, headers: { cookie } })
    await after.body.dump()
    t.equal(new URL(String(after.headers.location)).searchParams.get('error'), 'login_required', 'the tenant session ended')
  })
})
