import { createIntl, createIntlCache, type IntlShape } from '@formatjs/intl'
import { de } from './messages-de.ts'
import { en, type MessageId } from './messages-en.ts'
import type { Language } from './language.ts'

// One formatjs intl object per language, made once: formatting is ICU (plurals, selects, dates).

export type MessageValues = Record<string, string | number>
export type Translate = (id: MessageId, values?: MessageValues) => string

const catalogs: Record<Language, Record<MessageId, string>> = { en, de }

/** Message ids asked for that a catalog does not hold ("de:home.greeting"); the render test reads it. */
export const missingMessages = new Set<string>()

const cache = createIntlCache()
const intls = new Map<Language, IntlShape<string>>()

function intlFor(language: Language): IntlShape<string> {
  let intl = intls.get(language)
  if (!intl) {
    intl = createIntl({
      locale: language, defaultLocale: 'en', messages: catalogs[language],
      onError: (error) => {
        if (error.code === 'MISSING_TRANSLATION') missingMessages.add(`${language}:${(error as { descriptor?: { id?: string } }).descriptor?.id}`)
        else throw error
      },
    }, cache)
    intls.set(language, intl)
  }
  return intl
}

/** Texts in one language; a message the catalog lacks falls back to English (and is recorded). */
export function translator(language: Language): Translate {
  const intl = intlFor(language)
  return (id, values) => {
    if (!(id in catalogs[language])) missingMessages.add(`${language}:${id}`)
    return intl.formatMessage({ id, defaultMessage: en[id] ?? id }, values) as string
  }
}

/** A date and time as people of that language write them (UTC: the server knows no time zone). */
export function formatDateTime(language: Language, date: Date): string {
  return intlFor(language).formatDate(date, { dateStyle: 'long', timeStyle: 'long', timeZone: 'UTC' })
}
