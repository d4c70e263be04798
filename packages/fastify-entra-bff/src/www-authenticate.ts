// WWW-Authenticate (RFC 9110 §11.6.1): several challenges per header, headers may repeat,
// parameters unordered, values as tokens or quoted strings with backslash escapes.
// Hand-written because no maintained npm package parses multi-challenge headers with quoting.

export interface AuthChallenge {
  scheme: string
  /** Parameter names lower-cased. */
  params: Record<string, string>
}

const tokenChar = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/

class Reader {
  text: string
  at = 0
  constructor(text: string) {
    this.text = text
  }
  skipSpace() {
    while (this.at < this.text.length && /[ \t]/.test(this.text[this.at])) this.at++
  }
  token(): string {
    const start = this.at
    while (this.at < this.text.length && tokenChar.test(this.text[this.at])) this.at++
    return this.text.slice(start, this.at)
  }
  quoted(): string {
    let value = ''
    this.at++ // opening quote
    while (this.at < this.text.length && this.text[this.at] !== '"') {
      if (this.text[this.at] === '\\' && this.at + 1 < this.text.length) this.at++
      value += this.text[this.at++]
    }
    this.at++ // closing quote
    return value
  }
  peek(): string | undefined {
    return this.text[this.at]
  }
  done(): boolean {
    return this.at >= this.text.length
  }
}

function parseOne(header: string): AuthChallenge[] {
  const reader = new Reader(header)
  const challenges: AuthChallenge[] = []
  let current: AuthChallenge | undefined
  // Right after a scheme (no comma yet), a lone token is that scheme's token68, not a new scheme.
  let justAfterScheme = false
  while (!reader.done()) {
    reader.skipSpace()
    if (reader.peek() === ',') {
      reader.at++
      justAfterScheme = false
      continue
    }
    const word = reader.token()
    if (!word) {
      reader.at++ // a stray character
      continue
    }
    reader.skipSpace()
    if (reader.peek() === '=') {
      const next = reader.text[reader.at + 1]
      if (next === undefined || next === '=' || next === ',') {
        let padding = ''
        while (reader.peek() === '=') padding += reader.text[reader.at++]
        if (current && justAfterScheme) current.params.token68 = word + padding
      } else {
        reader.at++
        reader.skipSpace()
        const value = reader.peek() === '"' ? reader.quoted() : reader.token()
        if (current) current.params[word.toLowerCase()] = value
      }
      justAfterScheme = false
    } else if (current && justAfterScheme) {
      current.params.token68 = word
      justAfterScheme = false
    } else {
      current = { scheme: word, params: {} }
      challenges.push(current)
      justAfterScheme = true
    }
  }
  return challenges
}

export function parseWwwAuthenticate(header: string | string[] | undefined): AuthChallenge[] {
  if (header === undefined) return []
  return [header].flat().flatMap(parseOne)
}

function quote(value: string): string {
  return `"${value.replace(/["\\]/g, '\\$&')}"`
}

export function formatWwwAuthenticate(challenge: AuthChallenge): string {
  const params = Object.entries(challenge.params).map(([name, value]) => `${name}=${quote(value)}`)
  return params.length > 0 ? `${challenge.scheme} ${params.join(', ')}` : challenge.scheme
}
