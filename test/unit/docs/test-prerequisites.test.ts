import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import t from 'tap'

// issue 28 item 5: `npm test` on a machine that lacks something says, in one line before the
// suite, what is missing and the command that installs it.

const run = promisify(execFile)
const script = new URL('../../../scripts/test-prerequisites.ts', import.meta.url).pathname

t.test('a machine without the Redis and Chromium the tests use gets one line with the install command', async (t) => {
  const { stdout, stderr } = await run(process.execPath, [script], { env: { ...process.env, TEST_REDIS_URL: 'redis://127.0.0.1:9', CHROMIUM_PATH: '/nonexistent/chromium', CI: '' } })
  t.equal(stdout, '')
  const lines = stderr.trim().split('\n')
  t.equal(lines.length, 1, 'one line')
  t.match(lines[0], /^npm test: missing a Redis at redis:\/\/127\.0\.0\.1:9, Chromium: apt-get install redis-server chromium/)
  t.match(lines[0], /skipped/)
})

t.test('under CI=true the line says those tests fail', async (t) => {
  const { stderr } = await run(process.execPath, [script], { env: { ...process.env, TEST_REDIS_URL: 'redis://127.0.0.1:9', CI: 'true' } })
  t.match(stderr, /fail \(CI=true\)/)
})
