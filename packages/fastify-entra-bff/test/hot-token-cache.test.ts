import type { AuthenticationResult } from '@azure/msal-node'
import t from 'tap'
import { createHotTokenCache } from '../src/hot-token-cache.ts'

// The tokens msal last returned, kept per session and scopes until they are due for renewal.

const minute = 60_000
const scopes = ['User.Read']

function cacheAt(start: number, maxSessions = 3) {
  const clock = { now: start }
  return { clock, cache: createHotTokenCache({ maxSessions, now: () => clock.now }) }
}

const tokenFor = (homeAccountId: string, expiresAt: number) =>
  ({ accessToken: `token of ${homeAccountId}`, account: { homeAccountId }, expiresOn: new Date(expiresAt) }) as unknown as AuthenticationResult

t.test('a token is handed back for the same session, scopes and account until five minutes before it expires', async (t) => {
  const { cache, clock } = cacheAt(0)
  const token = tokenFor('user-1', 60 * minute)
  cache.remember('session-a', scopes, token)
  t.equal(cache.get('session-a', scopes, 'user-1'), token)
  t.equal(cache.get('session-a', ['other.scope'], 'user-1'), undefined, 'other scopes')
  t.equal(cache.get('session-b', scopes, 'user-1'), undefined, 'another session')
  t.equal(cache.get('session-a', scopes, 'user-2'), undefined, 'another account')
  clock.now = 55 * minute
  t.equal(cache.get('session-a', scopes, 'user-1'), undefined, 'due for renewal: msal decides')
})

t.test('a token already due for renewal is not kept', async (t) => {
  const { cache } = cacheAt(0)
  cache.remember('session-a', scopes, tokenFor('user-1', 4 * minute))
  t.equal(cache.get('session-a', scopes, 'user-1'), undefined)
})

t.test('forgetting a session drops all its tokens', async (t) => {
  const { cache } = cacheAt(0)
  cache.remember('session-a', scopes, tokenFor('user-1', 60 * minute))
  cache.remember('session-a', ['api://service/.default'], tokenFor('user-1', 60 * minute))
  cache.forget('session-a')
  t.equal(cache.get('session-a', scopes, 'user-1'), undefined)
  t.equal(cache.get('session-a', ['api://service/.default'], 'user-1'), undefined)
})

t.test('it holds at most its bound of sessions, dropping the least recently used first', async (t) => {
  const { cache } = cacheAt(0, 2)
  cache.remember('session-a', scopes, tokenFor('user-a', 60 * minute))
  cache.remember('session-b', scopes, tokenFor('user-b', 60 * minute))
  t.ok(cache.get('session-a', scopes, 'user-a'), 'a is now the most recently used')
  cache.remember('session-c', scopes, tokenFor('user-c', 60 * minute))
  t.equal(cache.get('session-b', scopes, 'user-b'), undefined, 'b was least recently used')
  t.ok(cache.get('session-a', scopes, 'user-a'))
  t.ok(cache.get('session-c', scopes, 'user-c'))
})
