import { isTimeout } from './upstream-errors.ts'

// Every way a dependency can fail, in one table: the status the user's request answers with and
// how long to wait. The app words each class in its own language (e.g. a catalog entry per
// class); upstream text never reaches a page.

export type FailureClass =
  | 'tenant-unreachable' | 'tenant-timeout'
  | 'graph-unavailable' | 'graph-timeout' | 'graph-throttled' | 'graph-refused'
  | 'service-unreachable' | 'service-timeout' | 'service-failed'
  | 'store-unavailable' | 'store-busy'
  | 'request-deadline'

/** The status a failure answers with, and how long to wait before trying again. */
export interface FailureRow { status: number; retryAfterSeconds?: number }

export const failureAnswers: Record<FailureClass, FailureRow> = {
  'tenant-unreachable': { status: 502 },
  'tenant-timeout': { status: 504, retryAfterSeconds: 5 },
  'graph-unavailable': { status: 502 },
  'graph-timeout': { status: 504, retryAfterSeconds: 5 },
  'graph-throttled': { status: 503, retryAfterSeconds: 10 },
  'graph-refused': { status: 502 },
  'service-unreachable': { status: 502 },
  'service-timeout': { status: 504, retryAfterSeconds: 5 },
  'service-failed': { status: 502 },
  'store-unavailable': { status: 503, retryAfterSeconds: 5 },
  'store-busy': { status: 503, retryAfterSeconds: 2 },
  'request-deadline': { status: 504, retryAfterSeconds: 5 },
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

/**
 * The tenant's OpenID configuration did not load (nothing listens, a refused connection, a non-200
 * answer, a deadline): for the user that is the tenant being unreachable or slow, never a bare 500.
 */
export function fromTenantDiscovery(error: unknown): DependencyFailure {
  return error instanceof DependencyFailure ? error : new DependencyFailure(isTimeout(error) ? 'tenant-timeout' : 'tenant-unreachable', { cause: error })
}
