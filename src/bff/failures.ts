import { isTimeout } from '../lib/upstream-errors.ts'

// Every way a dependency can fail, in one table: the status the user's request answers with and
// the product's own sentence. Upstream text never reaches a page; the support id always does.

export type FailureClass =
  | 'tenant-unreachable' | 'tenant-timeout'
  | 'graph-unavailable' | 'graph-timeout' | 'graph-throttled' | 'graph-refused'
  | 'service-unreachable' | 'service-timeout' | 'service-failed'
  | 'store-unavailable' | 'store-busy'
  | 'request-deadline'

interface FailureAnswer { status: number; message: string; retryAfterSeconds?: number }

export const failureAnswers: Record<FailureClass, FailureAnswer> = {
  'tenant-unreachable': { status: 502, message: 'We could not reach the sign-in service.' },
  'tenant-timeout': { status: 504, message: 'The sign-in service is taking too long to answer.', retryAfterSeconds: 5 },
  'graph-unavailable': { status: 502, message: 'We could not reach Microsoft Graph, where your profile is kept.' },
  'graph-timeout': { status: 504, message: 'Microsoft Graph, where your profile is kept, is taking too long to answer.', retryAfterSeconds: 5 },
  'graph-throttled': { status: 503, message: 'Microsoft Graph is busy right now.', retryAfterSeconds: 10 },
  'graph-refused': { status: 502, message: 'Microsoft Graph did not accept our request for your profile.' },
  'service-unreachable': { status: 502, message: 'The profile service could not be reached.' },
  'service-timeout': { status: 504, message: 'The profile service did not answer in time.', retryAfterSeconds: 5 },
  'service-failed': { status: 502, message: 'The profile service could not save your changes.' },
  'store-unavailable': { status: 503, message: 'The service is briefly unavailable.', retryAfterSeconds: 5 },
  'store-busy': { status: 503, message: 'Another request of yours is still being handled.', retryAfterSeconds: 2 },
  'request-deadline': { status: 504, message: 'This took longer than it should.', retryAfterSeconds: 5 },
}

/** A dependency failed in a known way; `retryAfterSeconds` overrides the table (an upstream's Retry-After). */
export class DependencyFailure extends Error {
  failure: FailureClass
  retryAfterSeconds?: number
  constructor(failure: FailureClass, options: { cause?: unknown; retryAfterSeconds?: number } = {}) {
    super(`${failure}${options.cause instanceof Error ? `: ${options.cause.message}` : ''}`, { cause: options.cause })
    this.name = 'DependencyFailure'
    this.failure = failure
    this.retryAfterSeconds = options.retryAfterSeconds
  }
}

/** msal-node reports an unreachable or silent tenant as a NetworkError with errorCode network_error. */
export function fromMsal(error: unknown): DependencyFailure | undefined {
  const { name, errorCode } = error as { name?: string; errorCode?: string }
  if (name !== 'NetworkError' && errorCode !== 'network_error') return undefined
  const inner = (error as { errorMessage?: string }).errorMessage ?? ''
  const timedOut = isTimeout((error as { cause?: unknown }).cause) || /Timeout|AbortError/.test(inner)
  return new DependencyFailure(timedOut ? 'tenant-timeout' : 'tenant-unreachable', { cause: error })
}

/** The answer for a failure: the table's row, with a Retry-After the upstream asked for. */
export function answerFor(error: DependencyFailure): FailureAnswer {
  const row = failureAnswers[error.failure]
  return { ...row, retryAfterSeconds: error.retryAfterSeconds ?? row.retryAfterSeconds }
}
