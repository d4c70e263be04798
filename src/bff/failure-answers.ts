import { DependencyFailure, failureAnswers, type FailureRow } from 'fastify-entra-bff'
import type { Translate } from './i18n/translator.ts'

// The failure table's rows (fastify-entra-bff) in the user's words: each class has its sentence
// in the catalogs (`failure.<class>`). Upstream text never reaches a page; the support id always does.

export interface FailureAnswer extends FailureRow { message: string }

/** The answer for a failure: the table's row in the user's language, with a Retry-After the upstream asked for. */
export function answerFor(error: DependencyFailure, t: Translate): FailureAnswer {
  const row = failureAnswers[error.failure]
  return { ...row, message: t(`failure.${error.failure}`), retryAfterSeconds: error.retryAfterSeconds ?? row.retryAfterSeconds }
}

export { DependencyFailure }
