import type { Page } from 'playwright-core'

export interface FocusedElement { tag: string; id: string; text: string; role: string | null }

/** What has the keyboard focus now, as a test can name it. */
export function focusedElement(page: Page): Promise<FocusedElement> {
  return page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null
    return { tag: element?.tagName.toLowerCase() ?? '', id: element?.id ?? '', text: (element?.textContent ?? '').trim(), role: element?.getAttribute('role') ?? null }
  })
}

/** The path and query of the address bar. */
export const addressOf = (page: Page) => {
  const url = new URL(page.url())
  return `${url.pathname}${url.search}`
}
