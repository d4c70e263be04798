import { readFile } from 'node:fs/promises'
import t from 'tap'
import { configurationPage, pagePath, regenerateCommand } from '../../../scripts/configuration-doc.ts'
import { envSchema } from '../../../src/config/env-schema.ts'

// docs/configuration.md is generated; a schema or help change without a regenerated page fails here.

t.test('docs/configuration.md is what the env schema and variable help generate', async (t) => {
  const page = await readFile(pagePath, 'utf8')
  t.ok(page === configurationPage(), `docs/configuration.md is out of date with src/config/env-schema.ts or variable-help.ts: run ${regenerateCommand}`)
})

t.test('every variable of the env schema has a row with a description in docs/configuration.md', async (t) => {
  const page = await readFile(pagePath, 'utf8')
  for (const name of Object.keys(envSchema.properties)) {
    const row = page.split('\n').find((line) => line.startsWith(`| \`${name}\` |`))
    t.ok(row, `${name} has a row`)
    t.notOk(row?.endsWith('| — |'), `${name} is described`)
  }
})
