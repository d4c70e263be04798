// Text that comes from outside (the tenant's ID token, Graph's user) is shown, never obeyed.
// The editor refuses control and bidirectional characters in what users type (profile-rules.ts),
// but names set elsewhere — by an admin, another app, Graph itself — can still carry them: U+202E
// would turn the rest of the page's line around ("Hi resU omeD"), NUL and other controls print as
// nothing. Such a character is shown as its code point, and the text is isolated from its
// surroundings, so it can neither hide nor re-order anything around it.

// C0 and C1 controls, DEL, the line and paragraph separators, and every bidirectional formatting
// character (marks, embeddings, overrides, isolates). Joiners (U+200C, U+200D) stay: Persian names
// and emoji sequences need them, and they do not re-order text.
const hiddenOrReordering = /[\p{Cc}\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu

/** The text with every control and bidi formatting character replaced by a visible `<U+XXXX>`. */
export function visibleText(text: string): string {
  // A lone surrogate (not well-formed UTF-16) is shown as U+FFFD, as a decoder would.
  return text.toWellFormed().replace(hiddenOrReordering, (character) => `<U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}>`)
}

/**
 * `<bdi>` markup for text from outside, escaped by the caller's `escapeHtml` (Handlebars'): the
 * element isolates it (its direction from its own letters, none leaking out), and visibleText
 * keeps every control in sight.
 */
export function isolatedText(value: unknown, escapeHtml: (text: string) => string): string {
  return `<bdi>${escapeHtml(visibleText(value === undefined || value === null ? '' : String(value)))}</bdi>`
}
