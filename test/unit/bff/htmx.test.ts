import Fastify from 'fastify'
import t, { type Test } from 'tap'
import { navigate } from '../../../src/bff/htmx.ts'

// Redirects the way each client follows them: htmx reads HX-Redirect from a 200 (it would
// otherwise follow a 3xx inside the XHR and swap the target page into a fragment's place);
// a browser gets 303 after a form post (so it GETs the next page) and 302 after a GET.

async function appNavigatingTo(t: Test, location: string) {
  const app = Fastify()
  app.route({ method: ['GET', 'POST'], url: '/go', handler: (request, reply) => navigate(request, reply, location) })
  t.teardown(() => app.close())
  return app
}

t.test('an htmx request is sent on with HX-Redirect and status 200', async (t) => {
  const app = await appNavigatingTo(t, '/auth/sign-in?returnTo=%2Fprofile')
  const response = await app.inject({ method: 'POST', url: '/go', headers: { 'hx-request': 'true' } })
  t.equal(response.statusCode, 200)
  t.equal(response.headers['hx-redirect'], '/auth/sign-in?returnTo=%2Fprofile')
  t.equal(response.headers.location, undefined)
})

t.test('a plain form post is answered 303 See Other', async (t) => {
  const app = await appNavigatingTo(t, '/profile')
  const response = await app.inject({ method: 'POST', url: '/go' })
  t.equal(response.statusCode, 303)
  t.equal(response.headers.location, '/profile')
})

t.test('a plain GET is answered 302 Found', async (t) => {
  const app = await appNavigatingTo(t, '/profile')
  const response = await app.inject({ method: 'GET', url: '/go' })
  t.equal(response.statusCode, 302)
  t.equal(response.headers.location, '/profile')
})
