import type { ProfileProblem } from '../lib/profile-rules.ts'
import type { AuthChallenge } from 'fastify-entra-bff'

/** A field changed elsewhere: what the caller expected, what Graph holds now, what it asked for. */
export interface FieldConflict { expected: string | null; current: string | null; requested: string | null }

export interface ServiceErrorExtra {
  details?: Record<string, string>
  /** The rule each field broke, machine-readable: clients word it in their own language. */
  problems?: Record<string, ProfileProblem>
  /** 409: the fields changed elsewhere since the caller read them. */
  conflicts?: Record<string, FieldConflict>
  challenge?: AuthChallenge
  /** For the log only (an error code, never token content): why an upstream failed. */
  reason?: string
}

/** An error the API answers as `{ error: { code, message, details?, problems?, conflicts? } }`, with a challenge when it has one. */
export class ServiceError extends Error {
  status: number
  code: string
  details?: Record<string, string>
  problems?: Record<string, ProfileProblem>
  conflicts?: Record<string, FieldConflict>
  challenge?: AuthChallenge
  reason?: string
  constructor(status: number, code: string, message: string, extra: ServiceErrorExtra = {}) {
    super(message)
    this.status = status
    this.code = code
    this.details = extra.details
    this.problems = extra.problems
    this.conflicts = extra.conflicts
    this.challenge = extra.challenge
    this.reason = extra.reason
  }
}
