import type { Locator, Page } from 'playwright-core'
import t from 'tap'
import { startTestStack } from '../helpers/bff.ts'
import { launchBrowser } from '../helpers/browser.ts'
import { signInOnTenantPages } from '../helpers/browser-journey.ts'

// The small things a user notices in Chromium: the dev mailbox fits a phone, "Sign out of every
// device" stands apart from the profile, the current language is marked, the app has an icon,
// and the tenant's German pages have German titles.

const phone = { width: 375, height: 740 }
const desktop = { width: 1280, height: 800 }

/** True when the page does not scroll sideways. */
function fitsWidth(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const root = document.scrollingElement ?? document.documentElement
    return root.scrollWidth <= root.clientWidth
  })
}

async function box(locator: Locator) {
  const found = await locator.boundingBox()
  if (!found) throw new Error('the element has no box: it is not visible')
  return found
}

t.test('the pages in Chromium', async (t) => {
  const browser = await launchBrowser(t)
  if (!browser) return
  const stack = await startTestStack(t)
  const context = await browser.newContext({ viewport: desktop })
  t.teardown(() => context.close())
  const page = await context.newPage()

  t.test('the dev mailbox table fits its card, at 375 px and on a desktop', async (t) => {
    // A sign-up mails a code to a long address, the widest thing the table shows.
    await page.goto(stack.url)
    await page.getByRole('link', { name: 'No account? Create one' }).click()
    await page.getByLabel('Email address').fill('a.rather.long.address.for.the.mailbox@subdomain.contoso.test')
    await page.getByRole('button', { name: 'Next' }).click()
    await page.getByLabel('Enter code').waitFor()
    const mailbox = await context.newPage()
    t.teardown(() => mailbox.close())
    for (const [name, viewport] of [['375 px', phone], ['desktop', desktop]] as const) {
      await mailbox.setViewportSize(viewport)
      await mailbox.goto(`${stack.tenant.httpOrigin}/mailbox`)
      await mailbox.locator('.code').first().waitFor()
      t.ok(await fitsWidth(mailbox), `${name}: the page does not scroll sideways`)
      const card = await box(mailbox.getByRole('main'))
      const table = await box(mailbox.getByRole('table'))
      t.ok(table.x >= card.x && table.x + table.width <= card.x + card.width, `${name}: the table stays inside its card`)
    }
  })

  t.test('"Sign out of every device" is a section of its own, apart from the profile card', async (t) => {
    await page.goto(stack.url)
    await page.getByRole('link', { name: 'Sign In' }).click()
    await signInOnTenantPages(page, stack.tenant.demoUser)
    await page.getByRole('heading', { name: 'Hi Demo User' }).waitFor()
    await page.goto(`${stack.url}/profile`)
    const panel = page.locator('#profile-panel')
    const button = page.getByRole('button', { name: 'Sign out of every device' })
    t.equal(await panel.locator('button', { hasText: 'Sign out of every device' }).count(), 0, 'not inside the profile panel')
    const section = page.getByRole('region', { name: 'Your devices' })
    t.equal(await section.getByRole('button', { name: 'Sign out of every device' }).count(), 1, 'in a section headed "Your devices"')
    const panelBox = await box(panel)
    const buttonBox = await box(button)
    // 24 px: clearly a gap, not the few pixels between two parts of one card.
    t.ok(buttonBox.y >= panelBox.y + panelBox.height + 24, `the button starts well below the card (card ends at ${panelBox.y + panelBox.height}, button at ${buttonBox.y})`)
  })

  t.test('the current language is marked, for screen readers and visibly', async (t) => {
    await page.goto(stack.url)
    const languages = page.getByRole('navigation', { name: 'Language' })
    const english = languages.getByRole('link', { name: 'English' })
    const german = languages.getByRole('link', { name: 'Deutsch' })
    t.equal(await english.getAttribute('aria-current'), 'true')
    t.equal(await german.getAttribute('aria-current'), null)
    const look = (link: Locator) => link.evaluate((element) => {
      const style = getComputedStyle(element)
      return { fontWeight: style.fontWeight, textDecoration: style.textDecorationLine, borderBottom: style.borderBottomStyle }
    })
    t.not(JSON.stringify(await look(english)), JSON.stringify(await look(german)), 'the current language looks different from the others')
  })

  t.test('the app has an icon: the page links it and /favicon.ico answers it', async (t) => {
    await page.goto(stack.url)
    const icon = page.locator('link[rel="icon"]')
    t.equal(await icon.count(), 1, 'the page links an icon')
    const href = await icon.first().getAttribute('href', { timeout: 1000 }).catch(() => null)
    const linked = await page.request.get(new URL(href ?? '', stack.url).toString())
    t.equal(linked.status(), 200)
    t.match(linked.headers()['content-type'], /^image\/svg\+xml/)
    const favicon = await page.request.get(`${stack.url}/favicon.ico`)
    t.equal(favicon.status(), 200)
    t.match(favicon.headers()['content-type'], /^image\//)
  })
})

t.test('the tenant pages of a German browser have German titles and texts', async (t) => {
  const browser = await launchBrowser(t)
  if (!browser) return
  const stack = await startTestStack(t)
  const context = await browser.newContext({ locale: 'de-DE' })
  t.teardown(() => context.close())
  const page = await context.newPage()

  await page.goto(stack.url)
  await page.getByRole('link', { name: 'Anmelden' }).click()
  await page.getByLabel('E-Mail-Adresse').waitFor()
  const tenantName = (await page.locator('p.tenant').textContent())?.trim()
  t.equal(await page.title(), `Anmelden · ${tenantName}`, 'the sign-in page')

  await page.goto(`${stack.tenant.httpOrigin}/mailbox`)
  t.equal(await page.title(), `Entwickler-Postfach · ${tenantName}`, 'the mailbox')
  t.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Entwickler-Postfach')
  t.equal(await page.locator('html').getAttribute('lang'), 'de')

  await page.goto(`${stack.tenant.httpOrigin}/`)
  t.equal(await page.title(), `Lokaler Mandant · ${tenantName}`, 'the tenant home page')

  await page.goto(`${stack.tenant.httpOrigin}/${stack.tenant.tenantId}/oauth2/v2.0/logout`)
  t.equal(await page.title(), `Abgemeldet · ${tenantName}`, 'the signed-out page')
  t.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Sie haben sich von Ihrem Konto abgemeldet')
})
