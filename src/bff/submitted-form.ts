import type { FastifyRequest } from 'fastify'
import { parseForm } from './form-body.ts'

const formLimitBytes = 16 * 1024
const readDeadlineMs = 2_000

/**
 * The form a request submitted, even when it failed before Fastify parsed its body (the session
 * store failed in onRequest): the error page can then give the user back what they typed.
 */
export async function submittedForm(request: FastifyRequest): Promise<Record<string, unknown>> {
  if (request.body && typeof request.body === 'object') return request.body as Record<string, unknown>
  const type = String(request.headers['content-type'] ?? '')
  const raw = request.raw
  if (!type.startsWith('application/x-www-form-urlencoded') || raw.readableEnded || raw.readableDidRead) return {}
  const chunks: Buffer[] = []
  let size = 0
  const read = (async () => {
    for await (const chunk of raw) {
      size += (chunk as Buffer).length
      if (size > formLimitBytes) return ''
      chunks.push(chunk as Buffer)
    }
    return Buffer.concat(chunks).toString('utf8')
  })()
  const text = await Promise.race([read, new Promise<string>((resolve) => setTimeout(resolve, readDeadlineMs, '').unref())])
  // The pages' own parser: a malformed value (%FF) is left out rather than given back as U+FFFD.
  return parseForm(text)
}
