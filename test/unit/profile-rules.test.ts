import t from 'tap'
import { isProfileProblem, validateProfile, validateProfilePatch } from '../../src/lib/profile-rules.ts'

// The rules both the BFF's form and the edit profile service apply to a profile change.

/** Code points, so the test output carries no line separators or unpaired surrogates itself. */
const codePoints = (text: string) => Array.from(text, (c) => `U+${c.codePointAt(0)!.toString(16).padStart(4, '0')}`).join(' ')
const displayNameError = (displayName: string) => validateProfile({ displayName }).errors.displayName

t.test('names in every script are accepted', async (t) => {
  const names = ['سارة الحربي', '王小明', 'अनन्या शर्मा', 'Zoë Ångström', 'Demo 🙂', '👩‍💻 Dev', 'Family 👨‍👩‍👧', 'क्‍ष', 'שרה כהן', 'Flag 🏴󠁧󠁢󠁳󠁣󠁴󠁿']
  for (const name of names) t.equal(displayNameError(name), undefined, name)
})

t.test('a name of zero-width characters only is refused as invisible', async (t) => {
  for (const name of ['\u200b', '\u200b\u200c\u200d', '\u2060\u200b', '\u3164']) {
    t.equal(displayNameError(name), 'Display name must contain visible characters.', codePoints(name))
  }
})

t.test('text-direction overrides are refused', async (t) => {
  for (const name of ['abc\u202eexe.txt', '\u2066Name\u2069', 'Na\u200fme']) {
    t.equal(displayNameError(name), 'Display name cannot contain text-direction control characters.', codePoints(name))
  }
})

t.test('control characters, line separators and lone surrogates are refused', async (t) => {
  for (const name of ['a\u0000b', 'a\u0085b', 'line\u2028break', 'para\u2029break', 'lone \ud800 high', 'lone \udc00 low', 'tab\there']) {
    t.equal(displayNameError(name), 'Display name cannot contain control characters.', codePoints(name))
  }
})

t.test('a required field of only whitespace is missing, an optional one may be empty', async (t) => {
  t.equal(displayNameError('  \u2028 '), 'Display name is required.')
  t.same(validateProfile({ givenName: '' }).errors, {})
})

t.test('a service PATCH: absent is no change, null clears an optional field, blank and a null display name are refused', async (t) => {
  t.same(validateProfilePatch({ surname: '  Lovelace ' }), { changes: { surname: 'Lovelace' }, errors: {}, problems: {} })
  t.same(validateProfilePatch({ givenName: null }).changes, { givenName: null })
  t.same(validateProfilePatch({ givenName: ' ' }).problems, { givenName: { rule: 'blank' } })
  t.same(validateProfilePatch({ displayName: null }), { changes: {}, errors: { displayName: 'Display name is required.' }, problems: { displayName: { rule: 'required' } } })
})

t.test('a rule reported by another process counts only when this code can word it', async (t) => {
  t.ok(isProfileProblem({ rule: 'maxLength', max: 64 }))
  t.ok(isProfileProblem({ rule: 'required' }))
  t.notOk(isProfileProblem({ rule: 'maxLength' }), 'a limit without its number')
  t.notOk(isProfileProblem({ rule: 'Display name is required.' }))
  t.notOk(isProfileProblem('required'))
})
