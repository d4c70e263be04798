import type { AuthChallenge } from '../lib/www-authenticate.ts'

export interface ServiceErrorExtra {
  details?: Record<string, string>
  challenge?: AuthChallenge
  /** For the log only (an error code, never token content): why an upstream failed. */
  reason?: string
}

/** An error the API answers as `{ error: { code, message, details? } }`, with a challenge when it has one. */
export class ServiceError extends Error {
  status: number
  code: string
  details?: Record<string, string>
  challenge?: AuthChallenge
  reason?: string
  constructor(status: number, code: string, message: string, extra: ServiceErrorExtra = {}) {
    super(message)
    this.status = status
    this.code = code
    this.details = extra.details
    this.challenge = extra.challenge
    this.reason = extra.reason
  }
}
