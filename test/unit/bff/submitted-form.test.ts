import Fastify from 'fastify'
import t, { type Test } from 'tap'
import { submittedForm } from '../../../src/bff/submitted-form.ts'

// The form a request sent, read before Fastify parsed it (the session store failed in onRequest):
// the error page gives the user back what they typed, and nothing the pages' parser would refuse.

async function formReadInOnRequest(t: Test, payload: string) {
  const app = Fastify()
  t.teardown(() => app.close())
  app.addHook('onRequest', async (request, reply) => reply.send(await submittedForm(request)))
  app.post('/profile', async () => ({}))
  const response = await app.inject({ method: 'POST', url: '/profile', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload })
  return response.json() as Record<string, unknown>
}

t.test('a form read before parsing gives back the typed values', async (t) => {
  t.same(await formReadInOnRequest(t, 'displayName=Ada+L%C3%B6we&givenName=Ada'), { displayName: 'Ada Löwe', givenName: 'Ada' })
})

t.test('a value that is not valid percent-encoded UTF-8 is left out, not given back as U+FFFD', async (t) => {
  const form = await formReadInOnRequest(t, 'displayName=%FF&givenName=Ada')
  t.same(form, { givenName: 'Ada' })
  t.notMatch(JSON.stringify(form), /\uFFFD/)
})
