import type { FastifyInstance } from 'fastify'
import handlebars from 'handlebars'
import type { TenantContext } from './context.ts'

// The sign-in pages speak the language the app asked for with `ui_locales` (External ID's pages
// are localized the same way), else the browser's Accept-Language (the mailbox, the signed-out
// page and any page no app asked for), for the languages the BFF ships: English and German. Sentences
// are keyed by their English text (gettext's model): templates and error messages stay readable,
// and an untranslated sentence simply shows in English.

export type PageLanguage = 'en' | 'de'

const german: Record<string, string> = {
  'Sign in': 'Anmelden',
  'Email address': 'E-Mail-Adresse',
  'Next': 'Weiter',
  'No account? Create one': 'Noch kein Konto? Jetzt erstellen',
  'Enter password': 'Kennwort eingeben',
  'Password': 'Kennwort',
  'Verify your email': 'E-Mail-Adresse bestätigen',
  'We sent a code to': 'Wir haben einen Code gesendet an',
  'Local tenant: read it in the': 'Lokaler Mandant: Sie finden ihn im',
  'dev mailbox': 'Entwickler-Postfach',
  'Enter code': 'Code eingeben',
  'Verify': 'Bestätigen',
  'Send a new code': 'Neuen Code senden',
  'We sent a new code.': 'Wir haben einen neuen Code gesendet.',
  'Create account': 'Konto erstellen',
  'Display name': 'Anzeigename',
  'Create': 'Erstellen',
  "Sorry, but we're having trouble signing you in.": 'Bei der Anmeldung ist leider ein Problem aufgetreten.',
  'You signed out of your account': 'Sie haben sich von Ihrem Konto abgemeldet',
  "It's a good idea to close all browser windows.": 'Schließen Sie am besten alle Browserfenster.',
  'Continue': 'Weiter',
  'Pick an account': 'Konto auswählen',
  'Signed in': 'Angemeldet',
  'Use another account': 'Anderes Konto verwenden',
  'Development tenant — not for production.': 'Entwicklungsmandant – nicht für den Produktivbetrieb.',
  'A local emulator of Entra External ID: never expose it.': 'Ein lokaler Emulator von Entra External ID: niemals öffentlich bereitstellen.',
  'Sign-in verification': 'Anmeldebestätigung',
  'Sign-up': 'Registrierung',
  'Dev mailbox': 'Entwickler-Postfach',
  'One-time codes the local tenant has sent, newest first.': 'Einmalcodes, die der lokale Mandant gesendet hat, die neuesten zuerst.',
  'To': 'An',
  'Purpose': 'Zweck',
  'Code': 'Einmalcode',
  'Sent (UTC)': 'Gesendet (UTC)',
  'No messages yet.': 'Noch keine Nachrichten.',
  'Local tenant': 'Lokaler Mandant',
  'Tenant': 'Mandant',
  'Signed out': 'Abgemeldet',
  'Signing you in…': 'Sie werden angemeldet …',
  'Signing out of an app': 'Abmeldung von einer App',
  'Enter a valid email address.': 'Geben Sie eine gültige E-Mail-Adresse ein.',
  "We couldn't find an account with that email address.": 'Zu dieser E-Mail-Adresse wurde kein Konto gefunden.',
  'Enter your email address first.': 'Geben Sie zuerst Ihre E-Mail-Adresse ein.',
  'Your password is incorrect.': 'Ihr Kennwort ist falsch.',
  'That code is incorrect.': 'Dieser Code ist falsch.',
  'That code is incorrect. Check the code and try again.': 'Dieser Code ist falsch. Prüfen Sie den Code und versuchen Sie es erneut.',
  'Too many incorrect codes. Select "Send a new code".': 'Zu viele falsche Codes. Wählen Sie „Neuen Code senden“.',
  'Start the sign-up again.': 'Beginnen Sie die Registrierung erneut.',
  'That code can no longer be used. Start the sign-up again.': 'Dieser Code kann nicht mehr verwendet werden. Beginnen Sie die Registrierung erneut.',
  'No verification code was asked for.': 'Es wurde kein Bestätigungscode angefordert.',
  'No verification code was asked for. Go back to the application and sign in again.': 'Es wurde kein Bestätigungscode angefordert. Kehren Sie zur Anwendung zurück und melden Sie sich erneut an.',
  'You have asked for too many codes. Wait a while, then try again.': 'Sie haben zu viele Codes angefordert. Warten Sie eine Weile, und versuchen Sie es dann erneut.',
  'Enter a display name (up to 256 characters).': 'Geben Sie einen Anzeigenamen ein (bis zu 256 Zeichen).',
  'An account with this email address already exists.': 'Zu dieser E-Mail-Adresse gibt es bereits ein Konto.',
  'Your password must be between 8 and 256 characters.': 'Ihr Kennwort muss zwischen 8 und 256 Zeichen lang sein.',
  'Your password must contain characters from at least three of: lowercase letters, uppercase letters, numbers and symbols.': 'Ihr Kennwort muss Zeichen aus mindestens drei dieser Gruppen enthalten: Kleinbuchstaben, Großbuchstaben, Ziffern und Symbole.',
  'This sign-in page has expired. Go back to the application and sign in again.': 'Diese Anmeldeseite ist abgelaufen. Kehren Sie zur Anwendung zurück und melden Sie sich erneut an.',
}

const catalogs: Record<PageLanguage, Record<string, string>> = { en: {}, de: german }

function spoken(tag: string): PageLanguage | undefined {
  const primary = tag.trim().split('-')[0].toLowerCase()
  return primary === 'de' || primary === 'en' ? primary : undefined
}

/** The browser's languages from Accept-Language, most preferred first (q=0 means "not this one"). */
function acceptedLanguages(acceptLanguage: unknown): string[] {
  if (typeof acceptLanguage !== 'string') return []
  return acceptLanguage.split(',').map((entry, index) => {
    const [tag, ...parameters] = entry.split(';')
    const q = parameters.map((parameter) => parameter.trim()).find((parameter) => parameter.startsWith('q='))
    return { tag, quality: q ? Number(q.slice(2)) : 1, index }
  }).filter(({ quality }) => quality > 0).sort((a, b) => b.quality - a.quality || a.index - b.index).map(({ tag }) => tag)
}

/**
 * The first language of `ui_locales` (space-separated BCP 47 tags) that the pages speak, else the
 * browser's most preferred one they speak (Accept-Language), else English.
 */
export function pageLanguage(uiLocales: unknown, acceptLanguage?: unknown): PageLanguage {
  const asked = typeof uiLocales === 'string' ? uiLocales.split(/\s+/) : []
  for (const tag of [...asked, ...acceptedLanguages(acceptLanguage)]) {
    const language = spoken(tag)
    if (language) return language
  }
  return 'en'
}

export function translate(language: PageLanguage, text: string): string {
  return catalogs[language][text] ?? text
}

/**
 * `{{t "English sentence"}}` in the tenant's templates, and `language` for `<html lang>`: from
 * `ui_locales` on authorize, then from the sign-in in progress (its `interaction`), else from
 * Accept-Language (and then the answer varies by it).
 */
export function pageLanguages(app: FastifyInstance, context: TenantContext) {
  handlebars.registerHelper('t', (text: unknown, options: { data?: { root?: { language?: PageLanguage } } }) =>
    typeof text === 'string' ? translate(options.data?.root?.language ?? 'en', text) : text)
  app.addHook('preHandler', (request, reply, done) => {
    const query = (request.query ?? {}) as Record<string, unknown>
    const body = (request.body ?? {}) as Record<string, unknown>
    const id = body.interaction ?? query.interaction
    const interaction = typeof id === 'string' ? context.state.interactions.get(id) : undefined
    const acceptLanguage = request.headers['accept-language']
    const language = pageLanguage(interaction?.request.uiLocales ?? query.ui_locales, acceptLanguage)
    if (acceptLanguage !== undefined) reply.header('vary', 'accept-language')
    if (reply.locals) reply.locals.language = language
    else reply.locals = { language }
    done()
  })
}
