import t from 'tap'
import { isolatedText, visibleText } from '../../../src/bff/display-text.ts'

// What the pages make of a name from the tenant or Graph: controls and bidi formatting shown as
// their code points, everything a real name needs kept as it is.

t.test('bidi overrides, embeddings, isolates and marks are shown as their code points', async (t) => {
  t.equal(visibleText('a\u202eb'), 'a<U+202E>b')
  t.equal(visibleText('\u202a\u202b\u202c\u202d'), '<U+202A><U+202B><U+202C><U+202D>')
  t.equal(visibleText('\u2066\u2067\u2068\u2069'), '<U+2066><U+2067><U+2068><U+2069>')
  t.equal(visibleText('\u200e\u200f\u061c'), '<U+200E><U+200F><U+061C>')
})

t.test('C0 and C1 controls, DEL and the line separators are shown as their code points', async (t) => {
  t.equal(visibleText('a\u0000b'), 'a<U+0000>b')
  t.equal(visibleText('\t\n\r\u001b'), '<U+0009><U+000A><U+000D><U+001B>')
  t.equal(visibleText('\u007f\u0085\u009f'), '<U+007F><U+0085><U+009F>')
  t.equal(visibleText('\u2028\u2029'), '<U+2028><U+2029>')
})

t.test('names in any script, joiners and emoji sequences stay as they are', async (t) => {
  for (const name of ['Demo User', 'שרה כהן', 'محمد', 'Zoë Ångström', 'می‌خواهم', '👩‍💻', '李小龍']) t.equal(visibleText(name), name)
})

t.test('a lone surrogate shows as the replacement character', async (t) => {
  t.equal(visibleText('a\ud800b'), 'a\ufffdb')
})

t.test('isolatedText wraps the escaped visible text in <bdi>', async (t) => {
  const escapeHtml = (text: string) => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;')
  t.equal(isolatedText('<b>\u202e', escapeHtml), '<bdi>&lt;b&gt;&lt;U+202E&gt;</bdi>')
  t.equal(isolatedText(undefined, escapeHtml), '<bdi></bdi>')
})
