import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Browser } from 'playwright-core'
import type { Test } from 'tap'

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/**
 * Starts Debian's headless Chromium for an end-to-end test and closes it on teardown.
 * Without Chromium: under CI=true the test fails; on a developer machine it is skipped
 * with the exact install command.
 */
export async function launchBrowser(t: Test): Promise<Browser | undefined> {
  if (!existsSync(chromiumPath)) {
    const message = `Chromium not found at ${chromiumPath}: install it with "apt-get install chromium" (or set CHROMIUM_PATH)`
    if (process.env.CI === 'true') t.fail(message)
    else t.skip(message, () => {})
    return undefined
  }
  const userDataDir = await mkdtemp(join(tmpdir(), 'e2e-chromium-'))
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  })
  t.teardown(async () => {
    await browser.close()
    await rm(userDataDir, { recursive: true, force: true })
  })
  return browser
}
