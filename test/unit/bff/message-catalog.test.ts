import t from 'tap'
import { de } from '../../../src/bff/i18n/messages-de.ts'
import { en } from '../../../src/bff/i18n/messages-en.ts'
import { formatDateTime, missingMessages, translator } from '../../../src/bff/i18n/translator.ts'

// The catalogs are ICU MessageFormat: every message formats in both languages with the values
// the code passes, and none carries markup (templates escape values, not the catalog's text).

const sample = { name: 'Ada', field: 'Display name', max: 64, kept: 'yes', supportId: 'req-1', detail: 'access_denied' }

t.test('both catalogs hold the same message ids', async (t) => {
  t.same(Object.keys(de).sort(), Object.keys(en).sort())
})

t.test('every message formats in both languages and holds no markup', async (t) => {
  for (const language of ['en', 'de'] as const) {
    const translate = translator(language)
    for (const id of Object.keys(en) as (keyof typeof en)[]) {
      const text = translate(id, sample)
      t.notMatch(text, /[<>]|\{|\}/, `${language} ${id}`)
    }
  }
  t.same([...missingMessages], [])
})

t.test('plurals and selects follow ICU rules', async (t) => {
  const english = translator('en')
  t.equal(english('validation.maxLength', { field: 'Given name', max: 1 }), 'Given name must be at most 1 character.')
  t.equal(english('validation.maxLength', { field: 'Given name', max: 64 }), 'Given name must be at most 64 characters.')
  t.equal(english('error.tryAgainLater', { kept: 'yes' }), 'Your changes are kept: try again in a moment.')
  t.equal(english('error.tryAgainLater', { kept: 'no' }), 'Try again in a moment.')
})

t.test('dates are written the way each language writes them', async (t) => {
  const moment = new Date(Date.UTC(2026, 10, 25, 17, 5, 0))
  t.equal(formatDateTime('en', moment), 'November 25, 2026 at 5:05:00 PM UTC')
  t.equal(formatDateTime('de', moment), '25. November 2026 um 17:05:00 UTC')
})
