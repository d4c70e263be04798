/** A browser's cookies for one site, enough for the tests' HTTP clients (name → value). */
export type CookieJar = Map<string, string>

export function cookieHeader(jar: CookieJar): string {
  return [...jar].map(([name, value]) => `${name}=${value}`).join('; ')
}

/** Applies a response's Set-Cookie lines: stores values, forgets cleared or expired cookies. */
export function keepCookies(jar: CookieJar, setCookie: string | string[] | undefined): void {
  for (const line of [setCookie ?? []].flat()) {
    const [pair] = line.split(';')
    const eq = pair.indexOf('=')
    const name = pair.slice(0, eq).trim()
    const value = pair.slice(eq + 1).trim()
    if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) jar.delete(name)
    else jar.set(name, value)
  }
}
