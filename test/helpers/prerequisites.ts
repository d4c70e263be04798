import { execFileSync } from 'node:child_process'
import type { Test } from 'tap'

function missingCommands(commands: string[]): string[] {
  return commands.filter((command) => {
    try {
      execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' })
      return false
    } catch {
      return true
    }
  })
}

/**
 * True when the machine can run the test. Otherwise under CI=true the test fails; on a developer
 * machine it is skipped with the command that makes it runnable.
 */
export function hasPrerequisites(t: Test, needs: { commands: string[]; root?: boolean; install: string }): boolean {
  const problems = missingCommands(needs.commands).map((command) => `${command} not found`)
  if (needs.root && process.getuid?.() !== 0) problems.push('needs root')
  if (problems.length === 0) return true
  const message = `${problems.join(', ')}: ${needs.install}`
  if (process.env.CI === 'true') t.fail(message)
  else t.skip(message, () => {})
  return false
}
