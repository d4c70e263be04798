import { createIntl, createIntlCache, type IntlShape } from '@formatjs/intl'
import { IntlMessageFormat } from 'intl-messageformat'
import { de } from './messages-de.ts'
import { en, type MessageId } from './messages-en.ts'
import type { Language } from './language.ts'

// ICU MessageFormat texts (plurals, selects) per language, and dates through a formatjs intl
// object. Each message is compiled once per language and a message without values is formatted
// once: every page asks for a few dozen texts, and formatjs's own per-call memoisation (it
// serialises its arguments to look the formatter up) was a tenth of the BFF's CPU per page.

export type MessageValues = Record<string, string | number>
export type Translate = (id: MessageId, values?: MessageValues) => string

const catalogs: Record<Language, Record<MessageId, string>> = { en, de }

/** Message ids asked for that a catalog does not hold ("de:home.greeting"); the render test reads it. */
export const missingMessages = new Set<string>()

const translators = new Map<Language, Translate>()

function hasValues(values: MessageValues | undefined): values is MessageValues {
  if (!values) return false
  for (const _ in values) return true
  return false
}

function createTranslator(language: Language): Translate {
  const compiled = new Map<MessageId, IntlMessageFormat>()
  const plain = new Map<MessageId, string>()
  const formatOf = (id: MessageId) => {
    let format = compiled.get(id)
    if (!format) {
      // A message the catalog lacks falls back to English, and is recorded.
      const inCatalog = id in catalogs[language]
      if (!inCatalog) missingMessages.add(`${language}:${id}`)
      format = new IntlMessageFormat(inCatalog ? catalogs[language][id] : en[id] ?? id, inCatalog ? language : 'en')
      compiled.set(id, format)
    }
    return format
  }
  return (id, values) => {
    if (hasValues(values)) return String(formatOf(id).format(values))
    let text = plain.get(id)
    if (text === undefined) {
      text = String(formatOf(id).format())
      plain.set(id, text)
    }
    return text
  }
}

/** Texts in one language (made once per language). */
export function translator(language: Language): Translate {
  let translate = translators.get(language)
  if (!translate) {
    translate = createTranslator(language)
    translators.set(language, translate)
  }
  return translate
}

const intlCache = createIntlCache()
const intls = new Map<Language, IntlShape<string>>()

/** A date and time as people of that language write them (UTC: the server knows no time zone). */
export function formatDateTime(language: Language, date: Date): string {
  let intl = intls.get(language)
  if (!intl) {
    intl = createIntl({ locale: language, defaultLocale: 'en' }, intlCache)
    intls.set(language, intl)
  }
  return intl.formatDate(date, { dateStyle: 'long', timeStyle: 'long', timeZone: 'UTC' })
}
