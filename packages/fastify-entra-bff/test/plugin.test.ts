import Fastify, { type FastifyInstance } from 'fastify'
import t, { type Test } from 'tap'
import { BffBrowser } from '../../../harness/bff-browser.ts'
import { freePort } from '../../../harness/ports.ts'
import { startTestTenant } from '../../../test/helpers/local-tenant.ts'
import entraBff, { ClaimsChallengeError, EntraBffOptionsError, SignInRequiredError, type EntraBffOptions } from '../src/index.ts'

// The plugin in an app of its own (not the BFF): registered on a bare Fastify instance with only
// the options a newcomer gives, against the local tenant with real msal. What the plugin promises
// any app: its options checked at register, its routes, `config.auth`, `request.accessToken`,
// drafts through step-up and sign-in again, and plain default answers where the app gives no hooks.

declare module 'fastify' {
  interface EntraBffDrafts {
    note: { text: string }
  }
}

const secret = 'a session secret for the plugin test, 32+ chars'

async function appWithPlugin(t: Test, extra: Partial<EntraBffOptions> = {}) {
  const tenant = await startTestTenant(t)
  const port = await freePort()
  const origin = `http://localhost:${port}`
  const { clientId, clientSecret } = tenant.apps.bff
  tenant.testing.registerRedirectUris(clientId, { redirectUris: [`${origin}/auth/redirect`], postLogoutRedirectUris: [`${origin}/`] })
  const apiScopes = [tenant.apps.profileService.scope]
  const app: FastifyInstance = Fastify()
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))))
  await app.register(entraBff, {
    tenant: { authority: tenant.authority, knownAuthority: tenant.knownAuthority, extraCaPem: [tenant.caCertificatePem] },
    clientId, credential: { kind: 'secret', clientSecret }, publicOrigin: origin, session: { secrets: [secret] },
    ...extra,
  })
  app.setErrorHandler(async (error, _request, reply) => {
    if (error instanceof SignInRequiredError) return reply.signInAgain(error.message)
    throw error
  })
  app.get('/', async (request, reply) => reply.type('text/html').send(`<p id="user">${request.user?.name ?? 'nobody'}</p><input name="_csrf" value="${reply.generateCsrf()}">`))
  app.get('/needs-sign-in', { config: { auth: 'required' } }, async (request) => ({ name: request.user?.name }))
  app.get('/needs-mfa', { config: { auth: { scopes: apiScopes, returnTo: '/needs-mfa' } } }, async (request) => ({ verified: true, note: request.draft('note')?.text ?? null }))
  app.post<{ Body: { text?: string } }>('/notes', { config: { auth: 'required' }, preValidation: app.csrfProtection }, async (request, reply) => {
    request.keepDraft('note', { text: String(request.body?.text ?? '') }, { returnTo: '/needs-mfa' })
    try {
      await request.accessToken(apiScopes)
    } catch (error) {
      if (error instanceof ClaimsChallengeError) return reply.stepUp(error, { scopes: apiScopes, returnTo: '/needs-mfa' })
      throw error
    }
    return { saved: true }
  })
  await app.listen({ host: '127.0.0.1', port })
  t.teardown(() => app.close())
  return { app, tenant, origin, browser: new BffBrowser(origin, tenant) }
}

t.test('options: every problem is named at register, at once', async (t) => {
  const app = Fastify()
  const given = { tenant: { authority: 'not a url' }, clientId: '', credential: { kind: 'secret' }, publicOrigin: 'https://app.example/path', session: { secrets: ['short'] }, routePrefix: 'auth/' } as unknown as EntraBffOptions
  const error = await app.register(entraBff, given).ready().then(() => undefined, (caught: unknown) => caught)
  t.ok(error instanceof EntraBffOptionsError)
  const { problems } = error as EntraBffOptionsError
  for (const option of ['tenant.authority', 'clientId', 'credential.clientSecret', 'publicOrigin', 'session.secrets', 'routePrefix']) {
    t.ok(problems.some((problem) => problem.startsWith(`${option}:`)), `names ${option}`)
  }
  t.match((error as Error).message, /^fastify-entra-bff: 6 options are not usable:\n {2}- tenant\.authority: /)
  t.notMatch((error as Error).message, /short/, 'a secret is never repeated in the message')
})

t.test('options: a secure cookie cannot be turned off on https, and hooks must be functions', async (t) => {
  const base = { tenant: { authority: 'https://login.example/t', knownAuthority: 'login.example' }, clientId: 'app', credential: { kind: 'secret' as const, clientSecret: 's' }, publicOrigin: 'https://app.example' }
  const error = await Fastify().register(entraBff, { ...base, session: { secrets: [secret], secureCookie: false }, hooks: { signInFailed: 'no' } as never }).ready().then(() => undefined, (caught: unknown) => caught)
  t.same((error as EntraBffOptionsError).problems.map((problem) => problem.split(':')[0]), ['session.secureCookie', 'hooks'])
})

t.test('a route with config.auth sends a signed-out browser to sign in and back, and htmx with HX-Redirect', async (t) => {
  const { app } = await appWithPlugin(t)
  const page = await app.inject({ url: '/needs-sign-in?x=1' })
  t.equal(page.statusCode, 302)
  t.equal(page.headers.location, '/auth/sign-in?returnTo=%2Fneeds-sign-in%3Fx%3D1')
  const fragment = await app.inject({ url: '/needs-sign-in', headers: { 'hx-request': 'true' } })
  t.equal(fragment.statusCode, 200)
  t.equal(fragment.headers['hx-redirect'], '/auth/sign-in?returnTo=%2Fneeds-sign-in')
})

t.test('without hooks, a sign-in that comes back unasked gets the plain default page with a support id', async (t) => {
  const { app } = await appWithPlugin(t)
  const answer = await app.inject({ url: '/auth/redirect?code=x&state=y' })
  t.equal(answer.statusCode, 400)
  t.match(answer.headers['content-type'], /^text\/html/)
  t.match(answer.body, /<h1>Sign-in failed<\/h1><p>The sign-in took too long or was already used\. Please try again\.<\/p><p>Support id: /)
})

t.test('sign-in, then MFA for an API: the htmx fragment and the redirect, the step-up, the kept draft, and the route passes', async (t) => {
  const { browser, tenant } = await appWithPlugin(t)
  await browser.authorize('/auth/sign-in?returnTo=%2F')
  t.match((await browser.get('/')).body, new RegExp(`<p id="user">${tenant.demoUser.displayName}</p>`), 'request.user is the signed-in user')
  t.same(JSON.parse((await browser.get('/needs-sign-in')).body), { name: tenant.demoUser.displayName })

  const fragment = await browser.get('/needs-mfa', { htmx: true })
  t.equal(fragment.status, 401, 'the default step-up fragment')
  t.match(fragment.body, /<a href="\/auth\/step-up">Verify<\/a>/)
  const typed = await browser.send('POST', '/notes', { form: { text: 'typed before MFA', _csrf: browser.lastCsrf! } })
  t.equal(typed.status, 303)
  t.equal(typed.location, '/auth/step-up')
  const back = await browser.authorize('/auth/step-up')
  t.equal(back.location, '/needs-mfa', 'back where the step-up was asked')
  t.same(JSON.parse((await browser.get('/needs-mfa')).body), { verified: true, note: 'typed before MFA' }, 'the draft is handed back')
})

t.test('a session the tenant revoked is signed out by reply.signInAgain, the draft kept for the next sign-in', async (t) => {
  const { browser, tenant } = await appWithPlugin(t)
  await browser.authorize('/auth/sign-in?returnTo=%2F')
  await browser.get('/')
  await browser.send('POST', '/notes', { form: { text: 'typed before revocation', _csrf: browser.lastCsrf! } })
  await tenant.testing.revokeSessions(tenant.demoUser.email)
  browser.tenantJar.clear()
  const htmx = await browser.get('/needs-mfa', { htmx: true })
  t.equal(htmx.status, 401)
  t.equal(htmx.headers['hx-redirect'], '/auth/sign-in?returnTo=%2Fneeds-mfa', 'back to the draft\'s page after sign-in')
  t.match(htmx.body, /Your session ended\. Your changes are kept\./)
  t.match((await browser.get('/')).body, /<p id="user">nobody<\/p>/, 'signed out')
  await browser.authorize('/auth/sign-in?returnTo=%2Fneeds-mfa')
  await browser.authorize('/auth/step-up')
  t.same(JSON.parse((await browser.get('/needs-mfa')).body), { verified: true, note: 'typed before revocation' })
})
