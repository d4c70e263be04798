/**
 * Time that only the test moves: `now()` is the wall time when the clock was made plus what the
 * test advanced, and nothing else. Real milliseconds passing between two reads (a loaded machine)
 * never change it, so a test that compares two readings gets the same answer on every run;
 * timestamps the code stamped with Date.now() stay comparable (off by the test's own runtime).
 */
export function testClock(startMs = Date.now()) {
  let advancedMs = 0
  return {
    now: () => startMs + advancedMs,
    advance(ms: number) {
      advancedMs += ms
    },
  }
}
