import t from 'tap'
import { createMemorySessionIndex } from '../src/stores/session-index.ts'

// The in-memory index of sessions by tenant session (sid) and user (oid), used without Redis.

t.test('sessions are listed under their sid or oid until removed', async (t) => {
  const index = createMemorySessionIndex()
  await index.add('sid', 's1', 'session-a', 60_000)
  await index.add('sid', 's1', 'session-b', 60_000)
  await index.add('oid', 'u1', 'session-a', 60_000)
  t.same((await index.sessionsOf('sid', 's1')).sort(), ['session-a', 'session-b'])
  t.same(await index.sessionsOf('oid', 'u1'), ['session-a'])
  t.same(await index.sessionsOf('oid', 's1'), [], 'a sid is not an oid')
  await index.remove('sid', 's1', ['session-a', 'session-b'])
  t.same(await index.sessionsOf('sid', 's1'), [])
  t.same(await index.sessionsOf('oid', 'u1'), ['session-a'])
})

t.test('removing the ended sessions keeps a session indexed meanwhile', async (t) => {
  const index = createMemorySessionIndex()
  await index.add('oid', 'u1', 'session-a', 60_000)
  const ending = await index.sessionsOf('oid', 'u1')
  await index.add('oid', 'u1', 'session-b', 60_000) // a sign-in on another device while they end
  await index.remove('oid', 'u1', ending)
  t.same(await index.sessionsOf('oid', 'u1'), ['session-b'], 'the next "sign out everywhere" still finds it')
})

t.test('an entry expires with the longest-lived session it names', async (t) => {
  const index = createMemorySessionIndex()
  await index.add('oid', 'u1', 'session-a', 0)
  t.same(await index.sessionsOf('oid', 'u1'), [], 'past its lifetime')
  await index.add('oid', 'u2', 'session-a', 60_000)
  await index.add('oid', 'u2', 'session-b', 0)
  t.same((await index.sessionsOf('oid', 'u2')).sort(), ['session-a', 'session-b'], 'a shorter session does not cut it short')
})
