import { Signer } from '@fastify/cookie'
import t from 'tap'
import { rememberingSigner } from '../src/session.ts'

// The session cookie's signer remembers what it signed and verified; it must answer exactly as
// @fastify/cookie's own signer does, the first time and every time after.

const current = 'a'.repeat(32)
const previous = 'b'.repeat(32)

t.test('it signs and verifies as the plain signer does, again and again', async (t) => {
  const plain = new Signer([current, previous], 'sha256')
  const remembering = rememberingSigner([current, previous])
  const signedByOld = new Signer([previous], 'sha256').sign('session-2')
  for (let round = 0; round < 2; round++) {
    t.equal(remembering.sign('session-1'), plain.sign('session-1'))
    t.same(remembering.unsign(plain.sign('session-1')), plain.unsign(plain.sign('session-1')))
    t.same(remembering.unsign(signedByOld), plain.unsign(signedByOld), 'an older secret still verifies, and asks for renewal')
    t.same(remembering.unsign(`${plain.sign('session-1')}x`), { valid: false, renew: false, value: null }, 'a tampered cookie never verifies')
  }
})
