import { createServer } from 'node:http'
import * as cheerio from 'cheerio'
import Fastify from 'fastify'
import t, { type Test } from 'tap'
import { Agent } from 'undici'
import { editorFields } from '../../src/bff/editor-fields.ts'
import { de } from '../../src/bff/i18n/messages-de.ts'
import { en } from '../../src/bff/i18n/messages-en.ts'
import { translator } from '../../src/bff/i18n/translator.ts'
import { registerViews } from '../../src/bff/plugins/views.ts'
import { sameProfile, snapshotOf } from '../../src/bff/profile-snapshot.ts'
import { createGraphClient } from '../../src/lib/graph-client.ts'
import { editableFields, profileFieldNames, profileFields, type EditableField, type Profile } from '../../src/lib/profile.ts'
import { profilePatchSchema, validateProfile } from '../../src/lib/profile-rules.ts'
import { readOnlyUserProperties, writableUserProperties } from 'entra-local-tenant'

// The profile table is the one place a field is declared: every layer must carry every row, so a
// row added here is read from Graph, answered by the service, kept, edited and shown, or a test
// below names the layer that missed it.

/** A distinct value per field, so a layer that mixes two fields up fails too. */
const sampleValue = (name: string) => `value of ${name}`
const fullProfile = Object.fromEntries(profileFieldNames.map((name) => [name, sampleValue(name)])) as Profile

/** A loopback stand-in for Graph /me: answers a user resource by Graph's names, records what it was asked. */
async function fakeGraph(t: Test) {
  const seen: { url: string; body: string }[] = []
  const user = {
    '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users/$entity',
    businessPhones: [], userPrincipalName: 'not-a-profile-field@contoso.test',
    ...Object.fromEntries(profileFieldNames.map((name) => [profileFields[name].graph, sampleValue(name)])),
  }
  const server = createServer((request, response) => {
    let body = ''
    request.on('data', (chunk) => (body += chunk))
    request.on('end', () => {
      seen.push({ url: request.url ?? '', body })
      if (request.method === 'PATCH') return response.writeHead(204).end()
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(user))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const dispatcher = new Agent()
  t.teardown(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
    await dispatcher.close()
  })
  const { port } = server.address() as { port: number }
  return { seen, graph: createGraphClient({ baseUrl: `http://127.0.0.1:${port}/v1.0`, dispatcher }) }
}

t.test('the Graph client selects every field by its Graph name and reads each one back', async (t) => {
  const { seen, graph } = await fakeGraph(t)
  const profile = await graph.getMe('token', 'req-1')
  const select = new URL(seen[0].url, 'http://graph').searchParams.get('$select')?.split(',') ?? []
  t.same(select.sort(), profileFieldNames.map((name) => profileFields[name].graph).sort(), '$select names every field and nothing else')
  t.same(profile, fullProfile, 'every field, and nothing else of the user resource (this is also the service API\'s answer)')
})

t.test('the Graph client writes every editable field under its Graph name', async (t) => {
  const { seen, graph } = await fakeGraph(t)
  const changes = Object.fromEntries(editableFields.map((name) => [name, sampleValue(name)]))
  await graph.patchMe('token', 'req-1', changes)
  t.same(JSON.parse(seen[0].body), Object.fromEntries(editableFields.map((name) => [profileFields[name].graph, sampleValue(name)])))
})

t.test('the local tenant\'s Graph serves every field, and takes every editable one within its limit', async (t) => {
  for (const name of profileFieldNames) {
    const row = profileFields[name]
    if (!row.editable) {
      t.ok(readOnlyUserProperties.has(row.graph), `${name}: the stand-in answers ${row.graph} and refuses to have it set`)
      continue
    }
    const property = writableUserProperties[row.graph as keyof typeof writableUserProperties]
    t.ok(property, `${name}: the stand-in stores ${row.graph}`)
    t.ok(property && row.maxLength <= property.maxLength, `${name}: our limit is within Graph's`)
  }
})

t.test('the edit profile service takes exactly the editable fields, with each one\'s rules', async (t) => {
  t.same(Object.keys(profilePatchSchema.properties).sort(), [...editableFields, 'expected'].sort(), 'the PATCH schema: the fields and the values they are expected to have')
  t.same(Object.keys(profilePatchSchema.properties.expected.properties).sort(), [...editableFields].sort(), 'the PATCH schema\'s expected values')
  for (const name of editableFields) {
    const { label, maxLength, required } = profileFields[name]
    t.same(validateProfile({ [name]: 'x'.repeat(maxLength) }).errors, {}, `${name} of ${maxLength} characters is accepted`)
    t.equal(validateProfile({ [name]: 'x'.repeat(maxLength + 1) }).errors[name], `${label} must be at most ${maxLength} characters.`)
    t.equal(validateProfile({ [name]: ' ' }).errors[name], required ? `${label} is required.` : undefined, `${name} required: ${required}`)
  }
})

t.test('the BFF\'s session snapshot keeps every field and notices a change in any of them', async (t) => {
  const snapshot = snapshotOf(fullProfile)
  t.same(snapshot, fullProfile)
  const empty = snapshotOf({ ...Object.fromEntries(profileFieldNames.map((name) => [name, null])), id: 'u1' } as Profile)
  t.same(Object.keys(empty).sort(), [...profileFieldNames].sort(), 'a field Graph has no value for is kept as empty')
  for (const name of profileFieldNames) t.notOk(sameProfile({ ...snapshot, [name]: 'changed' }, snapshot), `a changed ${name}`)
  t.ok(sameProfile({ ...snapshot }, snapshot))
})

t.test('every field has its label in both catalogs, the English one as the service words it', async (t) => {
  for (const name of profileFieldNames) {
    const { labelId, label } = profileFields[name]
    t.equal(en[labelId], label, `en ${labelId}`)
    t.ok(de[labelId], `de ${labelId}`)
  }
})

t.test('the editor shows every editable field with its label, limit, requirement and autocomplete', async (t) => {
  const draft = Object.fromEntries(editableFields.map((name) => [name, sampleValue(name)])) as Record<EditableField, string>
  const fields = editorFields(translator('de'), draft)
  t.same(fields.map((field) => field.name), editableFields)
  for (const field of fields) {
    const row = profileFields[field.name]
    t.match(field, { label: de[row.labelId], value: sampleValue(field.name), maxLength: row.maxLength, required: row.required, autocomplete: row.autocomplete })
    t.ok(field.autocomplete, `${field.name} has an autocomplete token`)
  }
})

t.test('the profile card shows every field with its label, in the table\'s order', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await registerViews(app, true)
  await app.ready()
  const html = await app.view('partials/profile-card.hbs', { t: translator('en'), profile: snapshotOf({ ...fullProfile, givenName: '<b>Ada</b>' }) }) as string
  const $ = cheerio.load(html)
  t.same($('dd').map((_, dd) => $(dd).attr('data-field')).get(), profileFieldNames)
  for (const name of profileFieldNames) {
    const row = profileFields[name]
    const dd = $(`dd[data-field="${name}"]`)
    t.equal(dd.prev('dt').text(), en[row.labelId], `${name} label`)
    t.equal(dd.text(), name === 'givenName' ? '<b>Ada</b>' : sampleValue(name), `${name} value, escaped`)
    t.equal(dd.attr('dir'), row.shownAs === 'text' ? 'auto' : undefined, `${name}: dir="auto" for text people type`)
    t.equal(dd.children('code').length, row.shownAs === 'identifier' ? 1 : 0, `${name}: an identifier is code`)
  }
  // Each value isolated in a <bdi> (display-text.ts): a value from Graph cannot re-order the page.
  t.match(html, '<dd data-field="displayName" dir="auto"><bdi>value of displayName</bdi></dd>', 'the markup tests and users rely on')
  t.match(html, '<dd data-field="id"><code><bdi>value of id</bdi></code></dd>')
})
