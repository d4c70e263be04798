import { execFile, spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { promisify } from 'node:util'
import t, { type Test } from 'tap'
import { request } from 'undici'

// The CLI from source: what it prints on start, --json, and its answers to mistakes.

const cli = new URL('../../src/cli.ts', import.meta.url).pathname

async function dataDir(t: Test): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tenant-cli-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  return dir
}

/** Starts the CLI and collects its output until `done` says the start is printed. */
async function startCli(t: Test, args: string[], done: (line: string) => boolean) {
  const child = spawn(process.execPath, [cli, '--port', '0', '--pages-port', '0', '--log-level', 'silent', ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
  t.teardown(async () => {
    if (child.exitCode === null) child.kill('SIGTERM')
    await exited
  })
  const lines: string[] = []
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the CLI exited (${code}): ${lines.join('\n')}`)))
    createInterface({ input: child.stdout }).on('line', (line) => {
      lines.push(line)
      if (done(line)) resolve()
    })
  })
  return { lines, stop: async () => { child.kill('SIGTERM'); return exited } }
}

t.test('on start the CLI prints the authority, every app, the mailbox, the test-control URL and the CA; SIGTERM stops it cleanly', async (t) => {
  const dir = await dataDir(t)
  const { lines, stop } = await startCli(t, ['--data-dir', dir, '--test-control'], (line) => line.includes('Chromium:'))
  const printed = lines.join('\n')
  t.match(printed, /Authority\s+https:\/\/localhost:\d+\/[0-9a-f-]{36}\n\s+msal-node: knownAuthorities: \['localhost:\d+'\]/)
  t.match(printed, /bff\s+client id [0-9a-f-]{36}\n\s+secret\s+\S+/)
  t.match(printed, /desktop\s+client id [0-9a-f-]{36}\n\s+public client: no secret/)
  t.match(printed, `Trust its CA     ${join(dir, 'ca.crt')}`)
  const testControl = /Test control\s+(\S+)/.exec(printed)?.[1] ?? ''
  const mailbox = await request(`${testControl}/mailbox`)
  t.same(await mailbox.body.json(), { messages: [] }, 'the test-control API answers')
  t.equal(await stop(), 0)
})

t.test('--json prints the connection as one JSON line', async (t) => {
  const { lines } = await startCli(t, ['--data-dir', await dataDir(t), '--json', '--pages-on-https'], (line) => line.startsWith('{'))
  const connection = JSON.parse(lines[0])
  t.match(connection, { authority: /^https:\/\/localhost:\d+\/[0-9a-f-]{36}$/, knownAuthority: /^localhost:\d+$/, clients: Array })
  t.equal(connection.browserOrigin, connection.httpsOrigin, '--pages-on-https sends browsers to https')
  t.equal(connection.testControlUrl, undefined, 'no test-control API without --test-control')
})

t.test('mistakes: an unknown flag prints the usage (exit 2), a bad port or log level says which (exit 1)', async (t) => {
  const run = (...args: string[]) => promisify(execFile)(process.execPath, [cli, ...args]).catch((error: { code: number; stderr: string }) => error)
  t.match(await run('--colour'), { code: 2, stderr: /Unknown option '--colour'[\s\S]*Usage: entra-local-tenant/ })
  t.match(await run('--port', '70000'), { code: 1, stderr: /--port wants a port number from 0 to 65535 \(got "70000"\)/ })
  t.match(await run('--log-level', 'loud'), { code: 1, stderr: /--log-level wants one of fatal, error/ })
  t.match(await run('--help'), { stdout: /--tenant-file FILE/ })
})
