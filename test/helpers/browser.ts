import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Browser } from 'playwright-core'
import type { Test } from 'tap'

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

function missing(t: Test, message: string): undefined {
  if (process.env.CI === 'true') t.fail(message)
  else t.skip(message, () => {})
  return undefined
}

/**
 * A home directory whose NSS database (~/.pki/nssdb, where Chromium on Linux looks for
 * user-trusted certificates) trusts the given server certificates, so Chromium verifies them
 * like any other: no ignoreHTTPSErrors. Undefined when certutil (libnss3-tools) is missing.
 */
async function homeTrusting(t: Test, dir: string, certificateFiles: string[]): Promise<string | undefined> {
  if (spawnSync('certutil', ['-H']).error) return missing(t, 'certutil not found: install it with "apt-get install libnss3-tools"')
  const home = join(dir, 'home')
  const nssdb = join(home, '.pki', 'nssdb')
  await mkdir(nssdb, { recursive: true })
  const run = (args: string[]) => {
    const result = spawnSync('certutil', ['-d', `sql:${nssdb}`, ...args], { encoding: 'utf8' })
    if (result.status !== 0) throw new Error(`certutil ${args.join(' ')} failed: ${result.stderr}`)
  }
  run(['-N', '--empty-password'])
  // "P,,": a trusted peer for TLS — this exact self-signed server certificate, not a CA.
  for (const [i, file] of certificateFiles.entries()) run(['-A', '-t', 'P,,', '-n', `test-proxy-${i}`, '-i', file])
  return home
}

/**
 * Starts Debian's headless Chromium for an end-to-end test and closes it on teardown.
 * Without Chromium: under CI=true the test fails; on a developer machine it is skipped
 * with the exact install command. `trustCertificates`: self-signed server certificates
 * (e.g. a test proxy's) this browser trusts, through its own NSS database.
 */
export async function launchBrowser(t: Test, options: { trustCertificates?: string[] } = {}): Promise<Browser | undefined> {
  if (!existsSync(chromiumPath)) return missing(t, `Chromium not found at ${chromiumPath}: install it with "apt-get install chromium" (or set CHROMIUM_PATH)`)
  const userDataDir = await mkdtemp(join(tmpdir(), 'e2e-chromium-'))
  let env: Record<string, string> | undefined
  if (options.trustCertificates?.length) {
    const home = await homeTrusting(t, userDataDir, options.trustCertificates).catch(async (error) => {
      await rm(userDataDir, { recursive: true, force: true })
      throw error
    })
    if (!home) {
      await rm(userDataDir, { recursive: true, force: true })
      return undefined
    }
    env = { ...process.env as Record<string, string>, HOME: home }
  }
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    ...(env ? { env } : {}),
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
