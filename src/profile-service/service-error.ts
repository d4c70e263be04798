import type { AuthChallenge } from '../lib/www-authenticate.ts'

/** An error the API answers as `{ error: { code, message, details? } }`, with a challenge when it has one. */
export class ServiceError extends Error {
  status: number
  code: string
  details?: Record<string, string>
  challenge?: AuthChallenge
  constructor(status: number, code: string, message: string, extra: { details?: Record<string, string>; challenge?: AuthChallenge } = {}) {
    super(message)
    this.status = status
    this.code = code
    this.details = extra.details
    this.challenge = extra.challenge
  }
}
