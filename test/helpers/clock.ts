/**
 * Wall time that a test moves forward instead of sleeping: `now()` is Date.now() plus what the
 * test advanced, so timestamps the code stamped with Date.now() stay comparable with it.
 */
export function testClock() {
  let advancedMs = 0
  return {
    now: () => Date.now() + advancedMs,
    advance(ms: number) {
      advancedMs += ms
    },
  }
}
