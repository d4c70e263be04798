/** undici's timeouts, by their documented error codes (https://undici.nodejs.org/#/docs/api/Errors). */
const undiciTimeouts = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT'])

/** A call that ran out of time: our own AbortSignal deadline or one of undici's timeouts. */
export function isTimeout(error: unknown): boolean {
  const { name, code } = (error ?? {}) as { name?: unknown; code?: unknown }
  return undiciTimeouts.has(String(code)) || name === 'TimeoutError' || name === 'AbortError'
}

/** Seconds from a Retry-After header (delta-seconds or an HTTP date), bounded; undefined if absent or unreadable. */
export function retryAfterSeconds(header: string | string[] | undefined, now = Date.now()): number | undefined {
  const value = Array.isArray(header) ? header[0] : header
  if (!value) return undefined
  const seconds = /^\d+$/.test(value.trim()) ? Number(value) : Math.ceil((Date.parse(value) - now) / 1000)
  return Number.isFinite(seconds) ? Math.min(Math.max(seconds, 1), 300) : undefined
}
