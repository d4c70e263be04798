import { ConfigurationError, type ConfigurationProblem } from './configuration-error.ts'
import { applySchema, type PropertySchema, type SchemaError } from './env-check.ts'
import { envSchema, type Env } from './env-schema.ts'
import { type VariableName, variableHelp } from './variable-help.ts'

/** A schema error in words, for the variable it names; the value itself is never repeated. */
function inWords(error: SchemaError): ConfigurationProblem {
  const variable = error.instancePath.replace(/^\//, '')
  const { params } = error
  const shape = variableHelp[variable as VariableName]?.shape
  const property = envSchema.properties[variable as VariableName] as { minimum?: number; maximum?: number } | undefined
  const expected = (() => {
    switch (error.keyword) {
      case 'type': return params.type === 'integer' ? 'a whole number' : params.type === 'boolean' ? 'true or false' : `a ${String(params.type)}`
      case 'minimum': case 'maximum': return `a whole number from ${property?.minimum} to ${property?.maximum}`
      case 'enum': return `one of ${(params.allowedValues as string[]).join(', ')}`
      case 'pattern': return shape ?? 'a value of the documented form'
      case 'minLength': return 'a value that is not empty'
      default: return shape ?? 'a value of the documented form'
    }
  })()
  return { variable, problem: `is not valid: expected ${expected}` }
}

const properties: Record<string, PropertySchema> = envSchema.properties

/**
 * Checks the environment against the schema once, applying defaults. Every invalid variable is a
 * problem in words; the environment returned holds the valid ones (with defaults), so the checks
 * that follow (which variables a role needs) can run on it and report everything at once.
 */
export function checkEnv(source: Record<string, string | undefined>): { env: Env; problems: ConfigurationProblem[] } {
  const data: Record<string, string> = {}
  for (const [name, value] of Object.entries(source)) {
    if (value !== undefined && value !== '' && name in envSchema.properties) data[name] = value
  }
  const checked: Record<string, unknown> = { ...data }
  const errors = applySchema(properties, checked)
  if (errors.length === 0) return { env: checked as Env, problems: [] }
  const problems = errors.map(inWords)
  // One variable may break two rules: once is enough.
  const unique = problems.filter((problem, index) => problems.findIndex((other) => other.variable === problem.variable) === index)
  for (const { variable } of unique) if (variable) delete data[variable]
  const valid: Record<string, unknown> = { ...data }
  applySchema(properties, valid)
  return { env: valid as Env, problems: unique }
}

/** The environment, checked; throws a ConfigurationError naming every invalid variable. */
export function readEnv(source: Record<string, string | undefined>): Env {
  const { env, problems } = checkEnv(source)
  if (problems.length > 0) throw new ConfigurationError(problems)
  return env
}
