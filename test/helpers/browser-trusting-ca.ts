import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { chromium, type Browser } from 'playwright-core'
import type { Test } from 'tap'

const run = promisify(execFile)
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const certutilPath = '/usr/bin/certutil'

/**
 * Headless Chromium that trusts one extra CA the way a user would: the CA is added to the NSS
 * store Chromium reads on Linux ($HOME/.pki/nssdb), made with Debian's libnss3-tools certutil in a
 * throwaway HOME. Certificate errors are not ignored. Without Chromium or certutil: under CI=true
 * the test fails, otherwise it is skipped with the install command.
 */
export async function launchBrowserTrustingCa(t: Test, caCertificatePem: string): Promise<Browser | undefined> {
  const missing = [[chromiumPath, 'chromium'], [certutilPath, 'libnss3-tools']].filter(([path]) => !existsSync(path))
  if (missing.length > 0) {
    const message = `missing ${missing.map(([path]) => path).join(', ')}: install with "apt-get install ${missing.map(([, pkg]) => pkg).join(' ')}"`
    if (process.env.CI === 'true') t.fail(message)
    else t.skip(message, () => {})
    return undefined
  }
  const home = await mkdtemp(join(tmpdir(), 'e2e-nss-home-'))
  const nssdb = join(home, '.pki', 'nssdb')
  await mkdir(nssdb, { recursive: true })
  const caFile = join(home, 'local-tenant-ca.crt')
  await writeFile(caFile, caCertificatePem)
  await run(certutilPath, ['-N', '-d', `sql:${nssdb}`, '--empty-password'])
  await run(certutilPath, ['-A', '-d', `sql:${nssdb}`, '-n', 'Local tenant CA', '-t', 'C,,', '-i', caFile])
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    env: { ...process.env, HOME: home },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  t.teardown(async () => {
    await browser.close()
    await rm(home, { recursive: true, force: true })
  })
  return browser
}
