import { load, type CheerioAPI } from 'cheerio'

// Tests read pages and fragments with a real HTML parser: a selector names what the user sees,
// whatever the attribute order, quoting or entity encoding the templates happen to produce.

export function parseHtml(html: string): CheerioAPI {
  return load(html)
}

/** How many elements the selector matches. */
export function count(html: string, selector: string): number {
  return load(html)(selector).length
}

/** The trimmed text of the first element the selector matches; undefined when none does. */
export function text(html: string, selector: string): string | undefined {
  const element = load(html)(selector).first()
  return element.length ? element.text().trim() : undefined
}

/** An attribute of the first element the selector matches (entities decoded). */
export function attribute(html: string, selector: string, name: string): string | undefined {
  return load(html)(selector).first().attr(name)
}

/** Every match's attribute, in document order (entities decoded). */
export function attributes(html: string, selector: string, name: string): string[] {
  const $ = load(html)
  return $(selector).toArray().map((element) => $(element).attr(name) ?? '')
}

/** The page's language and direction, from `<html lang dir>`. */
export function documentLanguage(html: string): { lang?: string; dir?: string } {
  const root = load(html)('html')
  return { lang: root.attr('lang'), dir: root.attr('dir') }
}

/** The value of the field named `name` (the first one, or the first inside the `form` selector). */
export function fieldValue(html: string, name: string, form?: string): string | undefined {
  return attribute(html, `${form ? `${form} ` : ''}input[name="${name}"]`, 'value')
}

/**
 * The page's CSRF token: from `<body hx-headers:inherited>` (what htmx sends) or, on a fragment,
 * from the hidden `_csrf` field (what a form without JavaScript sends).
 */
export function csrfTokenOf(html: string): string | undefined {
  const $ = load(html)
  const headers = $('body').attr('hx-headers:inherited')
  const fromHeaders = headers ? (JSON.parse(headers) as Record<string, string>)['x-csrf-token'] : undefined
  return fromHeaders ?? $('input[name="_csrf"]').first().attr('value')
}

/** The first `method="post"` form: its action and the values of its named inputs. */
export function postForm(html: string): { action: string; fields: Record<string, string> } | undefined {
  const $ = load(html)
  const form = $('form[method="post"]').first()
  const action = form.attr('action')
  if (!action) return undefined
  const fields: Record<string, string> = {}
  for (const input of form.find('input[name]').toArray()) fields[$(input).attr('name')!] = $(input).attr('value') ?? ''
  return { action, fields }
}
