import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { testClock } from '../helpers/clock.ts'

// The injected clock of the time-dependent tests: on a busy machine real milliseconds pass
// between two reads, and a clock that followed them would flip a comparison at a boundary.

t.test('the test clock does not move with real time, only when the test advances it', async (t) => {
  const clock = testClock()
  const first = clock.now()
  await sleep(20)
  t.equal(clock.now(), first, 'real time passing leaves it where it was')
  clock.advance(60_000)
  t.equal(clock.now(), first + 60_000, 'advancing moves it by exactly that much')
})
