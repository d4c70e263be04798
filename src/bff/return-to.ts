/** Only a relative path on this site: no scheme, no host, no `//` or `/\` tricks. */
export function safeReturnTo(value: unknown, fallback = '/'): string {
  if (typeof value !== 'string' || value.length > 512) return fallback
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return fallback
  if (/[\u0000-\u001f\\]/.test(value)) return fallback
  try {
    const parsed = new URL(value, 'http://bff.invalid')
    return parsed.origin === 'http://bff.invalid' ? `${parsed.pathname}${parsed.search}` : fallback
  } catch {
    return fallback
  }
}
