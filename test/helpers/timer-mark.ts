/**
 * A mark that is set once `ms` have passed on this process's timers. A test starts it before the
 * code under test arms its own, longer deadline: timers fire in the order they expire, so
 * `passed` tells "the deadline was not cut short" by event order, not by reading a clock, and it
 * holds however busy the machine is.
 */
export function timerMark(ms: number) {
  let passed = false
  const timer = setTimeout(() => (passed = true), ms)
  return {
    get passed() {
      return passed
    },
    cancel: () => clearTimeout(timer),
  }
}
