import Negotiator from 'negotiator'
import type { FastifyRequest } from 'fastify'

// Which language a request is answered in: the user's pick (kept in the session), else the
// browser's Accept-Language, else English.

export const languages = ['en', 'de'] as const
export type Language = (typeof languages)[number]

export const isLanguage = (value: unknown): value is Language => languages.includes(value as Language)

/** Text direction for <html dir>; both shipped languages are left-to-right, the next may not be. */
const directions = new Map(languages.map((language) => {
  const locale = new Intl.Locale(language) as Intl.Locale & { getTextInfo?: () => { direction: 'ltr' | 'rtl' } }
  return [language, locale.getTextInfo?.().direction ?? 'ltr'] as const
}))

export const directionOf = (language: Language): 'ltr' | 'rtl' => directions.get(language) ?? 'ltr'

export function languageOf(request: FastifyRequest): Language {
  // No session when its store is down: the error page still follows Accept-Language.
  const chosen = request.session?.language
  if (isLanguage(chosen)) return chosen
  const [preferred] = new Negotiator({ headers: { 'accept-language': request.headers['accept-language'] } }).languages([...languages])
  return isLanguage(preferred) ? preferred : 'en'
}
