import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import t from 'tap'

// `npm install` on an older Node prints ~30 EBADENGINE warnings that read like a failure; the
// postinstall note says once, in words, that the project runs on the Node 24 it brings.

const root = new URL('../../../', import.meta.url)
const { scripts } = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { scripts: Record<string, string> }

function postinstallOutput(userAgent: string): string {
  return execFileSync('sh', ['-c', scripts.postinstall], { cwd: root, env: { ...process.env, npm_config_user_agent: userAgent }, encoding: 'utf8' })
}

t.test('npm install on Node 20 says the EBADENGINE warnings are harmless and the project brings Node 24', async (t) => {
  const note = postinstallOutput('npm/10.8.2 node/v20.20.2 linux x64 workspaces/false')
  t.match(note, 'npm ran on Node 20: its EBADENGINE warnings above are harmless')
  t.match(note, 'brings its own Node 24')
})

t.test('npm install on Node 24 (and in the image) says nothing', async (t) => {
  t.equal(postinstallOutput('npm/11.6.2 node/v24.21.0 linux x64 workspaces/false'), '')
})
