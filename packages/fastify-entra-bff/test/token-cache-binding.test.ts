import type { FastifySessionObject } from '@fastify/session'
import t from 'tap'
import { bindTokenCache, rememberingBindingCheck, tokenCacheIsBound } from '../src/stores/token-cache-binding.ts'

// A session's token cache key opens tokens only in the session and for the user it was bound to.

const secret = 'a-session-secret-of-at-least-32-characters'
const user = (oid: string) => ({ account: { homeAccountId: `${oid}.tenant`, environment: 'e', tenantId: 'tenant', localAccountId: oid, username: `${oid}@contoso.test` }, name: oid, oid })
const session = (sessionId: string, oid: string) => ({ sessionId, user: user(oid) }) as unknown as FastifySessionObject

t.test('a key bound to a session opens in it, and not in another session, for another user, or as another key', async (t) => {
  const victim = session('victim-session', 'victim')
  bindTokenCache(victim, 'victim-cache', [secret])
  t.ok(tokenCacheIsBound(victim, [secret]), 'the session it was bound to')

  const copiedKey = session('attacker-session', 'attacker')
  Object.assign(copiedKey, { tokenCacheKey: victim.tokenCacheKey, tokenCacheBinding: victim.tokenCacheBinding })
  t.notOk(tokenCacheIsBound(copiedKey, [secret]), 'the key and binding copied into another session')
  Object.assign(copiedKey, { user: victim.user })
  t.notOk(tokenCacheIsBound(copiedKey, [secret]), 'the user copied too')

  const otherUser = session('victim-session', 'attacker')
  Object.assign(otherUser, { tokenCacheKey: victim.tokenCacheKey, tokenCacheBinding: victim.tokenCacheBinding })
  t.notOk(tokenCacheIsBound(otherUser, [secret]), 'the same session id with another user')

  const otherKey = session('victim-session', 'victim')
  Object.assign(otherKey, { tokenCacheKey: 'another-cache', tokenCacheBinding: victim.tokenCacheBinding })
  t.notOk(tokenCacheIsBound(otherKey, [secret]), 'another key under the binding')

  const unbound = session('victim-session', 'victim')
  unbound.tokenCacheKey = 'victim-cache'
  t.notOk(tokenCacheIsBound(unbound, [secret]), 'a key without a binding')
})

t.test('a binding made with an older session secret still verifies while that secret is configured', async (t) => {
  const s = session('session', 'user')
  bindTokenCache(s, 'cache', ['old-secret-of-at-least-32-characters-long'])
  t.ok(tokenCacheIsBound(s, ['new-secret-of-at-least-32-characters-long', 'old-secret-of-at-least-32-characters-long']), 'rotated: new first, old still listed')
  t.notOk(tokenCacheIsBound(s, ['new-secret-of-at-least-32-characters-long']), 'the old secret removed')
})

t.test('the remembering check accepts from memory only the exact session, user, key and binding it verified; a copy is checked in full and refused', async (t) => {
  const isBound = rememberingBindingCheck([secret], 2)
  const victim = session('victim-session', 'victim')
  bindTokenCache(victim, 'victim-cache', [secret])
  t.ok(isBound(victim), 'verified once in full')
  t.ok(isBound(victim), 'then from memory')

  const copied = session('attacker-session', 'victim')
  Object.assign(copied, { tokenCacheKey: victim.tokenCacheKey, tokenCacheBinding: victim.tokenCacheBinding })
  t.notOk(isBound(copied), 'the victim\'s user, key and binding under another session id')
  const otherUser = session('victim-session', 'attacker')
  Object.assign(otherUser, { tokenCacheKey: victim.tokenCacheKey, tokenCacheBinding: victim.tokenCacheBinding })
  t.notOk(isBound(otherUser), 'the same id with another user')
  t.notOk(isBound(session('victim-session', 'victim')), 'no key: nothing to open')

  const rotated = rememberingBindingCheck(['another-secret-of-at-least-32-characters'])
  t.notOk(rotated(victim), 'a check that never knew the secret refuses, whatever another one remembered')
  for (const id of ['a', 'b', 'c']) {
    const other = session(id, id)
    bindTokenCache(other, `${id}-cache`, [secret])
    t.ok(isBound(other))
  }
  t.ok(isBound(victim), 'forgotten (bounded memory), verified again in full')
})
