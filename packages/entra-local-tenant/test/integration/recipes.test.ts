import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import t, { type Test } from 'tap'
import { request } from 'undici'
import { readTenantFile, type LocalTenant } from '../../src/index.ts'
import { createHttpAgent } from '../helpers/http.ts'
import { startTestTenant } from '../helpers/tenant.ts'
import { followAuthorize } from '../../../../harness/tenant-pages.ts'

// The README's recipes for msal-node (issue 25, item 5), run as they are written: a Node process
// of their own that trusts the tenant's CA through NODE_EXTRA_CA_CERTS, nothing else.

const recipe = (name: string) => new URL(`../../recipes/${name}`, import.meta.url).pathname

/** Runs a recipe; `onLine` sees each line it prints (a public client prints its sign-in URL). */
function runRecipe(t: Test, tenant: LocalTenant, name: string, env: Record<string, string>, onLine: (line: string) => void = () => {}) {
  const child = spawn(process.execPath, [recipe(name)], {
    env: { ...process.env, NODE_EXTRA_CA_CERTS: tenant.caCertificateFile, AUTHORITY: tenant.authority, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  t.teardown(() => child.kill())
  let errors = ''
  child.stderr.on('data', (chunk) => { errors += chunk })
  const lines: string[] = []
  createInterface({ input: child.stdout }).on('line', (line) => {
    lines.push(line)
    onLine(line)
  })
  return new Promise<Record<string, unknown>>((resolve, reject) => {
    child.once('exit', (code) => code === 0 ? resolve(JSON.parse(lines.at(-1) ?? '{}')) : reject(new Error(`${name} exited ${code}: ${errors}`)))
  })
}

t.test('msal-node confidential client: an app-only Graph token Graph accepts, and a sign-in URL with PKCE', async (t) => {
  // As the admin center's "Grant admin consent" for Graph's User.Read.All application permission.
  const tenant = await startTestTenant(t, { editTenant: (file) => { file.apps.bff.applicationPermissions = ['User.Read.All'] } })
  const [user] = (await readTenantFile()).users
  const printed = await runRecipe(t, tenant, 'msal-node-confidential-client.mjs', {
    CLIENT_ID: tenant.apps.bff.clientId, CLIENT_SECRET: tenant.apps.bff.clientSecret, USER_ID: user.id, REDIRECT_URI: tenant.apps.bff.redirectUris[0],
  })
  t.equal(printed.tokenType, 'Bearer')
  t.equal(printed.graphStatus, 200, 'Graph accepts the app-only token')
  t.match(printed.graphUser, { id: user.id, displayName: user.displayName })
  const signIn = new URL(String(printed.signIn))
  t.equal(signIn.origin + signIn.pathname, `${tenant.browserOrigin}/${tenant.tenantId}/oauth2/v2.0/authorize`, 'msal found the authorize endpoint in discovery')
  t.equal(signIn.searchParams.get('code_challenge_method'), 'S256')
})

t.test('msal-node public client: interactive sign-in with a loopback redirect, Graph /me, then a silent refresh without a secret', async (t) => {
  const tenant = await startTestTenant(t)
  const desktop = tenant.clients.find((client) => client.name === 'desktop')
  t.match(desktop, { publicClient: true, clientSecret: undefined }, 'the shipped tenant has a public client')
  let signedIn: Promise<unknown> = Promise.resolve()
  const printed = await runRecipe(t, tenant, 'msal-node-public-client.mjs', { CLIENT_ID: desktop?.clientId ?? '' }, (line) => {
    const url = /^Sign in at (\S+)$/.exec(line)?.[1]
    if (!url) return
    // The "browser": the tenant's pages, then the redirect to msal's loopback listener.
    // msal-node 7 wants the response as a form_post to its listener, as a browser sends it.
    signedIn = followAuthorize(tenant, url, tenant.demoUser).then(async ({ redirectUrl, formPost }) => {
      t.match(redirectUrl, /^http:\/\/localhost:\d+\/?$/)
      t.match(formPost, { code: String, state: String })
      const answer = await request(redirectUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(formPost).toString() })
      t.match(await answer.body.text(), 'Signed in')
    })
  })
  await signedIn
  t.equal(printed.username, tenant.demoUser.email)
  t.match(printed.me, { displayName: tenant.demoUser.displayName })
  t.equal(printed.refreshed, true, 'a new access token from the refresh token')
})

t.test('openid-client: discovery from the v2 issuer, code with PKCE on a loopback redirect, userinfo and a refresh', async (t) => {
  // openid-client refuses a plain-http authorization endpoint: the pages on https, as in Entra.
  const tenant = await startTestTenant(t, { pagesOnHttps: true })
  const browser = createHttpAgent({ extraCaPem: [tenant.caCertificatePem] })
  t.teardown(() => browser.close())
  const desktop = tenant.clients.find((client) => client.name === 'desktop')
  let signedIn: Promise<unknown> = Promise.resolve()
  const printed = await runRecipe(t, tenant, 'openid-client.mjs', { CLIENT_ID: desktop?.clientId ?? '' }, (line) => {
    const url = /^Sign in at (\S+)$/.exec(line)?.[1]
    if (!url) return
    signedIn = followAuthorize(tenant, url, tenant.demoUser, new Map(), browser).then(async ({ redirectUrl }) => {
      const answer = await request(redirectUrl)
      t.match(await answer.body.text(), 'Signed in')
    })
  })
  await signedIn
  t.equal(printed.issuer, tenant.issuer)
  t.equal(printed.name, tenant.demoUser.displayName)
  t.match(printed.userinfo, { sub: String, email: tenant.demoUser.email })
  t.equal(printed.refreshed, true)
})

t.test('a public client that sends a secret is refused with AADSTS700025, and gets no app-only token', async (t) => {
  const tenant = await startTestTenant(t)
  const desktop = tenant.clients.find((client) => client.name === 'desktop')
  const token = async (form: Record<string, string>) => {
    const answer = await request(`${tenant.httpsOrigin}/${tenant.tenantId}/oauth2/v2.0/token`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString(),
      dispatcher: createHttpAgent({ extraCaPem: [tenant.caCertificatePem] }),
    })
    return (await answer.body.json()) as { error: string; error_codes: number[] }
  }
  const withSecret = await token({ grant_type: 'client_credentials', client_id: desktop?.clientId ?? '', client_secret: 'anything', scope: 'https://graph.microsoft.com/.default' })
  t.match(withSecret, { error: 'invalid_client', error_codes: [700025] })
  const appOnly = await token({ grant_type: 'client_credentials', client_id: desktop?.clientId ?? '', scope: 'https://graph.microsoft.com/.default' })
  t.match(appOnly, { error: 'invalid_client', error_codes: [7000218] })
})
