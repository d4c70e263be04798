import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'

// The benchmark harness end to end at smoke size (3 users, 2 interleaved rounds of 0.5 s per
// scenario): every row is produced and nothing failed. Throughput is not asserted; `npm run
// bench` is for that.

const runScript = new URL('../../bench/run.ts', import.meta.url).pathname

t.test('the quick benchmark produces every scenario, the footprint and start-to-ready with zero errors', async (t) => {
  const resultsDir = await mkdtemp(join(tmpdir(), 'bench-smoke-'))
  t.teardown(() => rm(resultsDir, { recursive: true, force: true }))
  const child = spawn(process.execPath, [runScript, '--quick', '--results-dir', resultsDir], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (chunk) => { output += chunk })
  child.stderr.on('data', (chunk) => { output += chunk })
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  t.equal(code, 0, output)

  const results = JSON.parse(await readFile(join(resultsDir, 'latest.json'), 'utf8'))
  t.same(Object.keys(results.scenarios), ['ceiling', 'direct', 'floor', 'session-floor', 'profile-page', 'editor-fragment', 'save'])
  for (const [name, scenario] of Object.entries(results.scenarios) as [string, { requests: number; non2xx: number; errors: number; timeouts: number; rounds: unknown[] }][]) {
    t.ok(scenario.requests > 0, `${name} ran requests`)
    t.equal(scenario.rounds.length, 2, `${name} ran in two interleaved rounds`)
    t.equal(scenario.non2xx + scenario.errors + scenario.timeouts, 0, `${name} had no failures`)
  }
  t.ok(results.sessionFootprint.memory.tokenCacheBytes > 0, 'the session footprint includes its token cache')
  t.equal(results.startToReadyMs.bff.length, 1)
  t.equal(results.startToReadyMs['hello-world'].length, 1, 'the hello-world starts in the same run')
  t.ok(results.idleRssBytes.bff[0] > results.idleRssBytes['hello-world'][0], 'idle RSS is read in bytes for the roles and the hello-world')
  t.ok(results.startToReadyOverHelloWorld.bff[0] > 0, 'start-to-ready is compared with the hello-world of the same run')
  t.ok(results.ratiosOverSessionFloor['profile-page'].median > 0, 'the BFF scenarios are compared with the session floor')
  t.match(await readFile(join(resultsDir, 'latest.md'), 'utf8'), /\| editor-fragment \|/)
})
