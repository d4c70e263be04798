const site = 'http://bff.invalid'

/**
 * Only a path on this site. The decision is made on the final, normalised URL, because URL
 * parsing resolves dot segments and percent-encoded dots: `/.//evil.example` becomes
 * `//evil.example`, which a browser reads as another host (a scheme-relative URL).
 */
export function safeReturnTo(value: unknown, fallback = '/'): string {
  if (typeof value !== 'string' || value.length > 512 || !value.startsWith('/')) return fallback
  // Backslashes count as slashes to browsers; tabs and newlines are silently dropped by them.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is this check's job
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return fallback
  let parsed: URL
  try {
    parsed = new URL(value, site)
  } catch {
    return fallback
  }
  const path = `${parsed.pathname}${parsed.search}`
  if (parsed.origin !== site || !path.startsWith('/') || path.startsWith('//')) return fallback
  // What we send as Location is parsed again by the browser: it must stay on this site then too.
  return new URL(path, site).origin === site ? path : fallback
}
