import { type VariableName, variableHelp } from './variable-help.ts'

// A bad configuration is reported whole: every missing or invalid variable in one message, each
// with what it is and where to find it, so one round of fixing is enough.

export interface ConfigurationProblem {
  /** The variable at fault; absent for a problem that is not one variable's (an unknown role). */
  variable?: string
  /** In words, ending without a full stop: "is missing", "is not valid: expected a GUID". */
  problem: string
}

function helpFor(variable: string | undefined): string {
  const help = variable ? variableHelp[variable as VariableName] : undefined
  return help ? ` — ${help.what}` : ''
}

/** One line per problem: "TENANT_ID is missing — Entra admin center → Overview → Tenant ID". */
export function describeProblem({ variable, problem }: ConfigurationProblem): string {
  // A builder's sentence may name the variable itself ("entry 2 of SESSION_SECRETS is too weak").
  const subject = variable && !problem.includes(variable) ? `${variable} ` : ''
  return `${subject}${problem}${helpFor(variable)}`
}

export class ConfigurationError extends Error {
  problems: ConfigurationProblem[]
  constructor(problems: ConfigurationProblem[], context = '') {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`
    super([
      `Invalid configuration${context ? ` (${context})` : ''}: ${count}; nothing was started.`,
      ...problems.map((problem) => `  - ${describeProblem(problem)}`),
      'Every variable: docs/configuration.md.',
    ].join('\n'))
    this.name = 'ConfigurationError'
    this.problems = problems
  }
}

/** Runs one check that throws the builders' "Invalid configuration: …" error, as a problem of `variable`. */
export function problemOf(variable: string | undefined, check: () => unknown): ConfigurationProblem[] {
  try {
    check()
    return []
  } catch (error) {
    const message = (error as Error).message.replace(/^Invalid configuration: /, '')
    // The builders name the variable first; the problem is the rest of their sentence.
    return [{ variable, problem: variable && message.startsWith(`${variable} `) ? message.slice(variable.length + 1) : message }]
  }
}
