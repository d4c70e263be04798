/**
 * Secure cookies need https. Plain http is accepted only for a loopback origin, where browsers
 * treat the page as a secure context anyway and nothing crosses a network.
 */
export function cookieSecurity(publicOrigin: string): { secureCookie: boolean } {
  const url = new URL(publicOrigin)
  if (url.protocol === 'https:') return { secureCookie: true }
  if (['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) return { secureCookie: false }
  throw new Error(`Invalid configuration: BFF_PUBLIC_ORIGIN ${publicOrigin} must be https (plain http only for localhost)`)
}
