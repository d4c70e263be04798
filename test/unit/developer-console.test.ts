import Fastify from 'fastify'
import t from 'tap'
import { createDeveloperConsole, developerConsole, type Schedule } from '../../src/lib/developer-console.ts'
import { loggerOptions } from '../../src/lib/logger.ts'

function output() {
  const written: string[] = []
  return { written, out: { write: (text: string) => written.push(text) } }
}

/** A schedule the test runs by hand: no wall clock. */
function manualSchedule() {
  const timers: { run: () => void; cancelled: boolean }[] = []
  const schedule: Schedule = (run) => {
    const timer = { run, cancelled: false }
    timers.push(timer)
    return { cancel: () => { timer.cancelled = true } }
  }
  const runDue = () => timers.filter((timer) => !timer.cancelled).forEach((timer) => { timer.cancelled = true; timer.run() })
  return { schedule, timers, runDue }
}

t.test('on a terminal the roles log through the developer console; elsewhere JSON lines to stdout', async (t) => {
  const onTerminal = loggerOptions('info', 'bff', true) as { stream?: unknown }
  const elsewhere = loggerOptions('info', 'bff', false) as { stream?: unknown }
  t.equal(onTerminal.stream, developerConsole)
  t.equal(elsewhere.stream, undefined, 'no stream: pino writes JSON lines to stdout')
})

t.test('a request is one short line: time, role, method, path without its query, status, duration', async (t) => {
  const { written, out } = output()
  const app = Fastify({ logger: { ...(loggerOptions('info', 'bff', false) as object), stream: createDeveloperConsole(out) } })
  app.get('/profile', async () => 'ok')
  t.teardown(() => app.close())
  await app.inject({ method: 'GET', url: '/profile?code=secret-code' })
  t.equal(written.length, 1, 'one line, not an incoming and a completed line')
  t.match(written[0], /^\d\d:\d\d:\d\d bff +GET \/profile → 200 \(\d+ ms\)\n$/)
  t.notMatch(written[0], 'secret-code')
  t.notMatch(written[0], '{', 'not JSON')
})

t.test('warnings and errors name their level and the error message', async (t) => {
  const { written, out } = output()
  const devConsole = createDeveloperConsole(out)
  devConsole.write(`${JSON.stringify({ level: 50, time: 0, name: 'bff', msg: 'token call failed', err: { message: 'AADSTS50076' } })}\n`)
  t.equal(written[0], '00:00:00 bff             ERROR token call failed: AADSTS50076\n')
})

t.test('the banner reminder is shown once the log goes quiet after new lines, not after every line', async (t) => {
  const { written, out } = output()
  const { schedule, runDue } = manualSchedule()
  const devConsole = createDeveloperConsole(out, { schedule })
  devConsole.write(`${JSON.stringify({ level: 30, time: 0, name: 'bff', msg: 'before the banner' })}\n`)
  runDue()
  t.equal(written.length, 1, 'no reminder before the banner was printed')

  devConsole.remindAfterActivity('  ── Open http://localhost:3000\n')
  for (const msg of ['one', 'two', 'three']) devConsole.write(`${JSON.stringify({ level: 30, time: 0, name: 'bff', msg })}\n`)
  runDue()
  t.same(written.slice(1), [
    '00:00:00 bff             one\n', '00:00:00 bff             two\n', '00:00:00 bff             three\n',
    '  ── Open http://localhost:3000\n',
  ], 'three lines, then the reminder once')
  runDue()
  t.equal(written.length, 5, 'nothing more while the log stays quiet')
})
