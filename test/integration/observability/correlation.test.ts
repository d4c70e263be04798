import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import t, { type Test } from 'tap'
import { BffBrowser, startTestStack } from '../../helpers/bff.ts'
import { text } from '../../../harness/html.ts'

// With tracing off, ids still tie the hops together: the support id a user sees is the
// client-request-id the tenant (Entra) received for the same request, so its sign-in logs can be
// searched for it, and the BFF's request ids are UUIDs, unique across replicas and restarts.

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

/** The client-request-id (header or, as msal sends it, query parameter) of every outgoing undici request to a path ending in `suffix`. */
function clientRequestIdsTo(t: Test, suffix: string): string[] {
  const seen: string[] = []
  const onCreate = (message: unknown) => {
    const { request } = message as { request: { path: string; headers: string[] | string } }
    if (!request.path.split('?')[0].endsWith(suffix)) return
    const lines = Array.isArray(request.headers)
      ? request.headers.flatMap((value, index) => (index % 2 === 0 ? [`${value}: ${request.headers[index + 1]}`] : []))
      : request.headers.split('\r\n')
    const header = lines.find((line) => line.toLowerCase().startsWith('client-request-id:'))
    const id = header ? header.slice(header.indexOf(':') + 1).trim() : new URL(request.path, 'https://x').searchParams.get('client-request-id')
    if (id) seen.push(id)
  }
  subscribe('undici:request:create', onCreate)
  t.teardown(() => unsubscribe('undici:request:create', onCreate))
  return seen
}

t.test('the support id of a failed sign-in is the client-request-id the tenant received for it', async (t) => {
  const stack = await startTestStack(t)
  const browser = new BffBrowser(stack.url, stack.tenant)
  const tokenRequests = clientRequestIdsTo(t, '/oauth2/v2.0/token')
  const start = await browser.get('/auth/sign-in')
  const state = new URL(start.location!).searchParams.get('state')!
  const failed = await browser.get(`/auth/redirect?code=not-a-real-code&state=${state}`)
  t.equal(failed.status, 400)
  const supportId = text(failed.body, 'p:contains("Support id:") > code')
  t.match(supportId, uuid, 'the support id is a UUID')
  t.same(tokenRequests, [supportId], 'msal sent it to the token endpoint as client-request-id')
})
