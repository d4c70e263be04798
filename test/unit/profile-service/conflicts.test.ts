import t from 'tap'
import type { Profile } from '../../../src/lib/profile.ts'
import { conflictsOf } from '../../../src/profile-service/conflicts.ts'

// Which changed fields conflict with what Graph holds now.

const current: Profile = { id: 'u1', displayName: 'Now', givenName: null, surname: 'Same', mail: 'a@b.c' }

t.test('a changed field whose expected value no longer holds conflicts, with all three values', async (t) => {
  t.same(conflictsOf(current, { displayName: 'Mine' }, { displayName: 'Before' }), { displayName: { expected: 'Before', current: 'Now', requested: 'Mine' } })
})

t.test('no conflict: the expected value holds, Graph already has the requested one, or nothing was expected', async (t) => {
  t.equal(conflictsOf(current, { surname: 'New' }, { surname: 'Same' }), undefined)
  t.equal(conflictsOf(current, { displayName: 'Now' }, { displayName: 'Before' }), undefined)
  t.equal(conflictsOf(current, { displayName: 'Mine' }, {}), undefined)
  t.equal(conflictsOf(current, { surname: 'New' }, { displayName: 'Before' }), undefined, 'an expected value of an unchanged field is ignored')
})

t.test('no value and an empty one are the same', async (t) => {
  t.equal(conflictsOf(current, { givenName: 'Ada' }, { givenName: null }), undefined)
  t.same(conflictsOf({ ...current, givenName: 'Set' }, { givenName: null }, { givenName: null }), { givenName: { expected: null, current: 'Set', requested: null } })
})
