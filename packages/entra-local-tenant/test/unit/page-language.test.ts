import { readdir, readFile } from 'node:fs/promises'
import t from 'tap'
import { pageLanguage, translate } from '../../src/page-language.ts'

// The tenant's sign-in pages follow the app's ui_locales, as External ID's own pages do.

t.test('ui_locales picks the first language the pages speak', async (t) => {
  t.equal(pageLanguage('de'), 'de')
  t.equal(pageLanguage('fr-FR de-AT en'), 'de')
  t.equal(pageLanguage('fr'), 'en')
  t.equal(pageLanguage(undefined), 'en')
  t.equal(pageLanguage(['de']), 'en', 'a repeated parameter is not trusted')
})

t.test('without a ui_locales the pages speak, the browser\'s Accept-Language picks', async (t) => {
  t.equal(pageLanguage(undefined, 'de-DE,de;q=0.9,en;q=0.8'), 'de')
  t.equal(pageLanguage(undefined, 'fr;q=0.9, en;q=0.5, de;q=0.7'), 'de', 'by quality, not by order')
  t.equal(pageLanguage(undefined, 'de;q=0, en'), 'en', 'q=0 refuses a language')
  t.equal(pageLanguage('fr', 'de'), 'de', 'a ui_locales the pages do not speak falls back to the browser')
  t.equal(pageLanguage('en', 'de'), 'en', 'the app\'s ui_locales wins')
  t.equal(pageLanguage(undefined, 'fr'), 'en')
})

t.test('every sentence of the tenant\'s templates has its German translation', async (t) => {
  const views = new URL('../../views/', import.meta.url)
  const sentences = new Set<string>()
  for (const file of await readdir(views)) {
    const template = await readFile(new URL(file, views), 'utf8')
    for (const [, sentence] of template.matchAll(/\{\{t "([^"]+)"\}\}/g)) sentences.add(sentence)
  }
  t.ok(sentences.size > 20, 'the templates were read')
  for (const sentence of sentences) t.not(translate('de', sentence), sentence, sentence)
})
