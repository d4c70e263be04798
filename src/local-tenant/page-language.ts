import type { FastifyInstance } from 'fastify'
import handlebars from 'handlebars'
import type { TenantContext } from './context.ts'

// The sign-in pages speak the language the app asked for with `ui_locales` (External ID's pages
// are localized the same way), for the languages the BFF ships: English and German. Sentences
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
  'Enter a valid email address.': 'Geben Sie eine gültige E-Mail-Adresse ein.',
  "We couldn't find an account with that email address.": 'Zu dieser E-Mail-Adresse wurde kein Konto gefunden.',
  'Enter your email address first.': 'Geben Sie zuerst Ihre E-Mail-Adresse ein.',
  'Your password is incorrect.': 'Ihr Kennwort ist falsch.',
  'That code is incorrect.': 'Dieser Code ist falsch.',
  'That code is incorrect. Check the code and try again.': 'Dieser Code ist falsch. Prüfen Sie den Code und versuchen Sie es erneut.',
  'Too many incorrect codes. Select "Send a new code".': 'Zu viele falsche Codes. Wählen Sie „Neuen Code senden“.',
  'Start the sign-up again.': 'Beginnen Sie die Registrierung erneut.',
  'This sign-in page has expired. Go back to the application and sign in again.': 'Diese Anmeldeseite ist abgelaufen. Kehren Sie zur Anwendung zurück und melden Sie sich erneut an.',
}

const catalogs: Record<PageLanguage, Record<string, string>> = { en: {}, de: german }

/** The first language of `ui_locales` (space-separated BCP 47 tags) that the pages speak. */
export function pageLanguage(uiLocales: unknown): PageLanguage {
  if (typeof uiLocales !== 'string') return 'en'
  for (const tag of uiLocales.split(/\s+/)) {
    const primary = tag.split('-')[0].toLowerCase()
    if (primary === 'de' || primary === 'en') return primary
  }
  return 'en'
}

export function translate(language: PageLanguage, text: string): string {
  return catalogs[language][text] ?? text
}

/**
 * `{{t "English sentence"}}` in the tenant's templates, and `language` for `<html lang>`: from
 * `ui_locales` on authorize, then from the sign-in in progress (its `interaction`).
 */
export function pageLanguages(app: FastifyInstance, context: TenantContext) {
  handlebars.registerHelper('t', (text: unknown, options: { data?: { root?: { language?: PageLanguage } } }) =>
    typeof text === 'string' ? translate(options.data?.root?.language ?? 'en', text) : text)
  app.addHook('preHandler', (request, reply, done) => {
    const query = (request.query ?? {}) as Record<string, unknown>
    const body = (request.body ?? {}) as Record<string, unknown>
    const id = body.interaction ?? query.interaction
    const interaction = typeof id === 'string' ? context.state.interactions.get(id) : undefined
    const language = pageLanguage(interaction?.request.uiLocales ?? query.ui_locales)
    if (reply.locals) reply.locals.language = language
    else reply.locals = { language }
    done()
  })
}
