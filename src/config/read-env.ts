import { envSchema as validateEnv } from 'env-schema'
import { ConfigurationError, type ConfigurationProblem } from './configuration-error.ts'
import { envSchema, type Env } from './env-schema.ts'
import { type VariableName, variableHelp } from './variable-help.ts'

/** The parts of an Ajv error read here (env-schema's Ajv; not imported: it is not our dependency). */
interface SchemaError { instancePath: string; keyword: string; params: Record<string, unknown> }

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

function validate(data: Record<string, string>): Env {
  return validateEnv<Env>({ schema: envSchema, data, env: false, dotenv: false })
}

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
  try {
    return { env: validate({ ...data }), problems: [] }
  } catch (error) {
    const errors = (error as { errors?: SchemaError[] }).errors ?? []
    const problems = errors.map(inWords)
    // Ajv may report one variable twice (type and minimum): once is enough.
    const unique = problems.filter((problem, index) => problems.findIndex((other) => other.variable === problem.variable) === index)
    for (const { variable } of unique) if (variable) delete data[variable]
    return { env: validate(data), problems: unique }
  }
}

/** The environment, checked; throws a ConfigurationError naming every invalid variable. */
export function readEnv(source: Record<string, string | undefined>): Env {
  const { env, problems } = checkEnv(source)
  if (problems.length > 0) throw new ConfigurationError(problems)
  return env
}
