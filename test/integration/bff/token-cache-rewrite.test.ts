import t from 'tap'
import { DependencyFailure, type SessionLock, type TokenCacheStore } from 'fastify-entra-bff'
import { createMemorySessionLock, createMemoryTokenCacheStore } from '../../../packages/fastify-entra-bff/src/stores/token-cache-store.ts'
import { BffBrowser, startTestBff } from '../../helpers/bff.ts'
import { renewTokensAtEveryRequestStrictly, startTestTenant } from '../../helpers/local-tenant.ts'

// A token cache that cannot be written after the tenant rotated its refresh token is written again
// under the session's lock, so the spent refresh token is never sent a second time. Here with a
// store that refuses one write, and a SessionLock written before locks gave their work a lease
// (it calls its work with none): the plugin then retries for a bounded time of its own.

t.test('a refused token cache write after a refresh is written again, also under a lock that gives no lease', async (t) => {
  // Every request redeems the refresh token; one sent twice would revoke the grant.
  const tenant = await startTestTenant(t, { editTenant: renewTokensAtEveryRequestStrictly })
  const memory = createMemoryTokenCacheStore()
  let refuseNextWrite = false
  const tokenCaches: TokenCacheStore = {
    ...memory,
    async set(key, serialized, ttlMs) {
      if (refuseNextWrite) {
        refuseNextWrite = false
        throw new DependencyFailure('store-unavailable')
      }
      return memory.set(key, serialized, ttlMs)
    },
  }
  const inProcess = createMemorySessionLock()
  const leaseless: SessionLock = { withLock: (key, work) => inProcess.withLock(key, () => (work as () => ReturnType<typeof work>)()) }
  const bff = await startTestBff(t, tenant, 'http://127.0.0.1:9', { stores: { tokenCaches, locks: leaseless } })
  const browser = new BffBrowser(bff.url, tenant)
  await browser.signIn()
  t.equal((await browser.get('/profile')).status, 200, 'signed in')

  refuseNextWrite = true
  const refused = await browser.get('/profile')
  t.equal(refused.status, 503, 'the request whose write was refused answers our 503')
  t.match(refused.body, /briefly unavailable/, 'in our words')
  const after = await browser.get('/profile')
  t.equal(after.status, 200, 'the next request reads the cache written again')
  t.match(after.body, /Demo User/, 'still signed in')
  t.equal(tenant.testing.refreshTokenReuses(), 0, 'no refresh token sent twice')
})
