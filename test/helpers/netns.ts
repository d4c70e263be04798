import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import type { Test } from 'tap'

const run = promisify(execFile)

/**
 * A private network namespace with its own loopback, deleted on teardown: servers inside it can
 * take their default ports whatever runs on the machine. Needs root (`ip netns`).
 */
export async function privateNetwork(t: Test, name: string) {
  await run('ip', ['netns', 'add', name])
  t.teardown(() => run('ip', ['netns', 'delete', name]).then(() => undefined))
  await run('ip', ['netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up'])
  return {
    name,
    /** argv prefix that runs a command inside the namespace */
    exec: ['ip', 'netns', 'exec', name] as const,
    /** GET a URL from inside the namespace: the status code, or 0 when nothing answers. */
    async status(url: string): Promise<number> {
      const script = `fetch(${JSON.stringify(url)}, { signal: AbortSignal.timeout(2000) }).then((r) => console.log(r.status), () => console.log(0))`
      const { stdout } = await run('ip', ['netns', 'exec', name, process.execPath, '-e', script])
      return Number(stdout.trim())
    },
  }
}
