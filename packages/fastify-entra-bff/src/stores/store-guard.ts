import { BrokenCircuitError, circuitBreaker, ConsecutiveBreaker, handleAll, TaskCancelledError, timeout, TimeoutStrategy, wrap } from 'cockatiel'
import { DependencyFailure } from '../failures.ts'
import { isTimeout } from '../upstream-errors.ts'

// Every Redis command of the BFF runs through this guard. node-redis has no deadline for a
// command already written to a socket (a frozen Redis, SIGSTOP, holds it forever), so the guard
// gives each call its own deadline, and after a few failures in a row stops calling Redis for a
// while (circuit breaker): requests then answer 503 at once instead of each waiting out a deadline.
// cockatiel, not hand-written: a maintained, typed implementation of both policies.

export interface StoreGuardOptions {
  /** Deadline of one Redis command (default 1 s; a healthy Redis answers in well under 1 ms). */
  commandTimeoutMs?: number
  /** Consecutive failures that open the circuit (default 3). */
  openAfterFailures?: number
  /** How long the circuit stays open before one probe call may try again (default 5 s). */
  retryAfterMs?: number
}

export function createStoreGuard(options: StoreGuardOptions = {}) {
  const breaker = circuitBreaker(handleAll, {
    halfOpenAfter: options.retryAfterMs ?? 5_000,
    breaker: new ConsecutiveBreaker(options.openAfterFailures ?? 3),
  })
  const policy = wrap(breaker, timeout(options.commandTimeoutMs ?? 1_000, TimeoutStrategy.Aggressive))
  let lastFailureAt = -Infinity
  return {
    async run<T>(work: () => Promise<T>): Promise<T> {
      try {
        return await policy.execute(() => work())
      } catch (error) {
        lastFailureAt = performance.now()
        throw new DependencyFailure('store-unavailable', { cause: error })
      }
    },
    /** True when a command failed (or was refused by the open circuit) within the last `ms`. */
    failedWithin(ms: number) {
      return performance.now() - lastFailureAt < ms
    },
    /**
     * The dependency check: a ping through the breaker, not past it. While the circuit is open it
     * says so without calling Redis; once the breaker lets one call try again, this check can be
     * that call, so a recovered Redis is reported (and the circuit closed for users) without
     * waiting for a user's request to probe it.
     */
    async problem(ping: () => Promise<unknown>): Promise<string | undefined> {
      try {
        await policy.execute(() => ping())
        return undefined
      } catch (error) {
        if (error instanceof BrokenCircuitError) return 'circuit open'
        return error instanceof TaskCancelledError || isTimeout(error) ? 'no answer in time' : 'not reachable'
      }
    },
  }
}

export type StoreGuard = ReturnType<typeof createStoreGuard>
