// The urlencoded form parser (@fastify/formbody's `parser`). Unlike querystring, it does not turn
// malformed percent-encoded UTF-8 (`%FF`) into U+FFFD, which would then be saved as typed: such a
// value is left out of the body and its name listed in `unreadableFields`, so the handler can
// refuse it with a message while keeping every other value the user sent.

const unreadable = Symbol('unreadable form fields')

type FormBody = Record<string, string | string[]> & { [unreadable]?: string[] }

function decode(component: string): string | undefined {
  try {
    return decodeURIComponent(component.replaceAll('+', ' '))
  } catch {
    return undefined
  }
}

export function parseForm(text: string): FormBody {
  const body: FormBody = Object.create(null)
  const refused: string[] = []
  for (const pair of text.split('&')) {
    if (!pair) continue
    const split = pair.indexOf('=')
    const name = decode(split === -1 ? pair : pair.slice(0, split))
    if (name === undefined) continue
    const value = decode(split === -1 ? '' : pair.slice(split + 1))
    if (value === undefined) {
      refused.push(name)
      continue
    }
    const previous = body[name]
    // A repeated name becomes a list, as querystring does: the handler's rules refuse it as "not text".
    body[name] = previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value]
  }
  if (refused.length > 0) Object.defineProperty(body, unreadable, { value: refused })
  return body
}

/** The names of the fields whose values were not valid percent-encoded UTF-8. */
export function unreadableFields(body: unknown): string[] {
  if (!body || typeof body !== 'object') return []
  return (body as FormBody)[unreadable] ?? []
}
