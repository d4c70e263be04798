import t from 'tap'
import { request } from 'undici'
import { startTestTenant } from '../../helpers/local-tenant.ts'
import { startTestProfileService, userTokenForService } from '../../helpers/profile-service.ts'

// The service's PATCH /me changes only what a caller names: an absent property is unchanged, null
// clears, and `expected` makes a change conditional on what the caller saw (409, nothing written).
// Real local tenant, real token, real OBO, the tenant's Graph.

interface Answer { status: number; body: Record<string, unknown> & { error?: { code: string; problems?: unknown; conflicts?: unknown; details?: unknown } } }

async function call(url: string, token: string, method: 'GET' | 'PATCH', body?: unknown): Promise<Answer> {
  const response = await request(`${url}/me`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: response.statusCode, body: (await response.body.json()) as Answer['body'] }
}

t.test('PATCH /me: absent is unchanged, null clears, expected values guard against concurrent edits', async (t) => {
  const tenant = await startTestTenant(t)
  const service = await startTestProfileService(t, tenant)
  const { accessToken } = await userTokenForService(tenant)
  const patch = (body: unknown) => call(service.url, accessToken, 'PATCH', body)
  const profile = async () => (await call(service.url, accessToken, 'GET')).body
  const reset = () => patch({ displayName: 'Demo User', givenName: 'Demo', surname: 'User' })

  t.test('a property the body leaves out is unchanged', async (t) => {
    await reset()
    const saved = await patch({ surname: 'Only Surname' })
    t.equal(saved.status, 200)
    t.match(await profile(), { displayName: 'Demo User', givenName: 'Demo', surname: 'Only Surname' })
  })

  t.test('null clears an optional field; an empty string does not', async (t) => {
    await reset()
    const blank = await patch({ givenName: '  ' })
    t.equal(blank.status, 422)
    t.same(blank.body.error?.problems, { givenName: { rule: 'blank' } })
    t.equal((await profile()).givenName, 'Demo', 'a blank string cleared nothing')
    const cleared = await patch({ givenName: null })
    t.equal(cleared.status, 200)
    t.equal((await profile()).givenName, null)
  })

  t.test('null for the required display name answers 422 with its rule', async (t) => {
    const response = await patch({ displayName: null })
    t.equal(response.status, 422)
    t.same(response.body.error?.problems, { displayName: { rule: 'required' } })
    t.same(response.body.error?.details, { displayName: 'Display name is required.' })
  })

  t.test('every field problem names its rule machine-readably beside the English sentence', async (t) => {
    const response = await patch({ displayName: 5, givenName: 'x'.repeat(70), surname: 'tab\there' })
    t.equal(response.status, 422)
    t.same(response.body.error?.problems, { displayName: { rule: 'text' } }, 'schema problems first: the body was not read further')
    const content = await patch({ givenName: 'x'.repeat(70), surname: 'tab\there' })
    t.same(content.body.error?.problems, { givenName: { rule: 'maxLength', max: 64 }, surname: { rule: 'controlCharacters' } })
  })

  t.test('a change whose expected value still holds is written', async (t) => {
    await reset()
    const saved = await patch({ surname: 'Guarded', expected: { surname: 'User' } })
    t.equal(saved.status, 200)
    t.equal(saved.body.surname, 'Guarded')
  })

  t.test('a stale expected value answers 409 with both values per field, and nothing is written', async (t) => {
    await reset()
    await patch({ displayName: 'Changed Elsewhere', givenName: null })
    const response = await patch({ displayName: 'Mine', givenName: 'Mine Too', surname: 'Unguarded', expected: { displayName: 'Demo User', givenName: 'Demo' } })
    t.equal(response.status, 409)
    t.equal(response.body.error?.code, 'profile_conflict')
    t.same(response.body.error?.conflicts, {
      displayName: { expected: 'Demo User', current: 'Changed Elsewhere', requested: 'Mine' },
      givenName: { expected: 'Demo', current: null, requested: 'Mine Too' },
    })
    t.match(await profile(), { displayName: 'Changed Elsewhere', givenName: null, surname: 'User' }, 'not even the unguarded field')
  })

  t.test('a field changed elsewhere to what the caller asks for is no conflict', async (t) => {
    await reset()
    await patch({ surname: 'Same Idea' })
    const response = await patch({ surname: 'Same Idea', expected: { surname: 'User' } })
    t.equal(response.status, 200)
  })

  t.test('a body with only expected values changes nothing and answers 422', async (t) => {
    const response = await patch({ expected: { surname: 'User' } })
    t.equal(response.status, 422)
    t.match(response.body.error, { code: 'invalid_profile' })
  })

  t.test('an expected value of the wrong type answers 422 naming expected', async (t) => {
    const response = await patch({ surname: 'X', expected: { surname: 5 } })
    t.equal(response.status, 422)
    t.match(response.body.error?.details, { expected: /expected maps changed fields/ })
  })
})
