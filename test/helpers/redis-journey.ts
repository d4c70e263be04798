import type { Test } from 'tap'
import type { RedisConnectionConfig } from '../../src/config/types.ts'
import { text } from '../../harness/html.ts'
import { signInButton } from './bff.ts'
import { twoReplicas } from './replicas.ts'

// The BFF's journey essentials on two replicas that share one Redis of a given topology: sign in
// on A, profile page on B, step-up on B, save on A, sign out everywhere on B, and A sees it.
// The same steps for the Cluster, Sentinel and TLS tests (test/integration/redis/).

const htmx = { htmx: true }

export async function journeyOnTwoReplicas(t: Test, redis: RedisConnectionConfig) {
  const { onA, onB } = await twoReplicas(t, redis, { storeCommandMs: 5_000 })
  await onA.signIn()
  t.equal(text((await onB.get('/')).body, 'main h1'), 'Hi Demo User', 'B knows the session A created')
  const profile = await onB.get('/profile')
  t.equal(profile.status, 200, 'B shows the profile page')
  t.equal((await onB.get('/profile/editor', htmx)).status, 401, 'B asks for step-up')
  t.equal((await onB.authorize('/auth/step-up')).location, '/profile?edit=1', 'step-up on B')
  await onA.get('/profile?edit=1')
  const saved = await onA.send('PATCH', '/profile', { ...htmx, form: { displayName: 'Saved On A', givenName: '', surname: '' } })
  t.equal(saved.status, 200, 'A saves with the MFA token B obtained')
  t.match(text((await onB.get('/profile')).body, 'main'), /Saved On A/, 'B shows what A saved')

  await onB.get('/')
  const out = await onB.send('POST', '/auth/sign-out-everywhere', { form: { _csrf: onB.lastCsrf ?? '' } })
  t.equal(out.status, 303, 'sign out everywhere on B')
  t.equal(text((await onA.get('/')).body, signInButton), 'Sign In', 'A sees the sign-out')
}
