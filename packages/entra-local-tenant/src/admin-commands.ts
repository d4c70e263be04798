import { randomUUID } from 'node:crypto'
import { existsSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { sendAdminRequest } from './admin-requests.ts'
import { graphAppId, shippedTenantFile, tenantFileProblem, type AppRegistration, type TenantFile } from './tenant-file.ts'

// `entra-local-tenant apps|users|ca …`: what an admin does in the Entra admin center, as commands.
// apps/users add and ca add-policy edit the tenant file (a missing one starts as a copy of the
// shipped tenant) and check it against tenant.schema.json before writing; users disable and
// revoke-sessions act on the running tenant through its data folder.

export const adminUsage = `Admin commands (the tenant file's edits take effect at the next start):
  entra-local-tenant apps list                 [--tenant-file FILE]
  entra-local-tenant apps add NAME             [--tenant-file FILE] [--redirect-uri URI]... [--public]
                     [--expose-scope SCOPE]... [--permission SCOPE]... [--application-permission ROLE]...
  entra-local-tenant users list                [--tenant-file FILE]
  entra-local-tenant users add EMAIL --password PASSWORD --name "DISPLAY NAME" [--tenant-file FILE]
  entra-local-tenant users disable EMAIL       [--data-dir DIR]   (the running tenant: "Block sign in")
  entra-local-tenant users revoke-sessions EMAIL [--data-dir DIR] (the running tenant: "Revoke sessions")
  entra-local-tenant ca add-policy NAME --app APP [--tenant-file FILE]   (require MFA for the API APP, or graph)
`

const parse = (args: string[]) => parseArgs({
  args,
  allowPositionals: true,
  strict: true,
  options: {
    'tenant-file': { type: 'string', default: process.env.LOCAL_TENANT_FILE ?? 'tenant.json' },
    'data-dir': { type: 'string', default: process.env.LOCAL_TENANT_DATA_DIR ?? '.data/local-tenant' },
    'redirect-uri': { type: 'string', multiple: true, default: [] },
    public: { type: 'boolean', default: false },
    'expose-scope': { type: 'string', multiple: true, default: [] },
    permission: { type: 'string', multiple: true, default: [] },
    'application-permission': { type: 'string', multiple: true, default: [] },
    password: { type: 'string' },
    name: { type: 'string' },
    app: { type: 'string' },
  },
})

type Values = ReturnType<typeof parse>['values']

class UsageError extends Error {}

async function editTenantFile(path: string, edit: (tenant: TenantFile) => string): Promise<string> {
  const tenant = JSON.parse(await readFile(existsSync(path) ? path : shippedTenantFile, 'utf8')) as TenantFile
  const done = edit(tenant)
  const problem = await tenantFileProblem(tenant)
  if (problem) throw new Error(`The change would break the tenant file: ${problem}`)
  await writeFile(path, `${JSON.stringify(tenant, null, 2)}\n`)
  return `${done}\nWrote ${path}; start the tenant with --tenant-file ${path}.`
}

function addApp(tenant: TenantFile, name: string, values: Values): string {
  if (tenant.apps[name]) throw new Error(`The tenant already has an app "${name}".`)
  const clientId = randomUUID()
  const app: AppRegistration = {
    clientId, displayName: name,
    redirectUris: values['redirect-uri'], postLogoutRedirectUris: [],
    // A public client proves nothing but PKCE; a web app may leave it out, as Entra lets it.
    requirePkce: values.public,
    permissions: values.permission,
    ...(values.public ? { isFallbackPublicClient: true } : {}),
    ...(values['expose-scope'].length > 0 ? { identifierUri: `api://${clientId}`, exposedScopes: values['expose-scope'] } : {}),
    ...(values['application-permission'].length > 0 ? { applicationPermissions: values['application-permission'] } : {}),
  }
  tenant.apps[name] = app
  const scopes = (app.exposedScopes ?? []).map((scope) => `\n  scope ${app.identifierUri}/${scope}`).join('')
  return `Registered "${name}": client id ${clientId}${app.isFallbackPublicClient ? ' (public client)' : ''}${scopes}`
}

function addUser(tenant: TenantFile, email: string, values: Values): string {
  if (!values.password || !values.name) throw new UsageError('users add needs --password and --name.')
  if (tenant.users.some((user) => user.email.toLowerCase() === email.toLowerCase())) throw new Error(`The tenant already has a user ${email}.`)
  const id = randomUUID()
  tenant.users.push({ id, email, password: values.password, displayName: values.name })
  return `Added ${email} (object id ${id}).`
}

function addPolicy(tenant: TenantFile, name: string, values: Values): string {
  const target = values.app === 'graph' ? graphAppId : values.app && tenant.apps[values.app]?.clientId
  if (!target) throw new UsageError(`ca add-policy needs --app naming an app of the tenant file (${Object.keys(tenant.apps).join(', ')}) or graph.`)
  tenant.policies ??= []
  tenant.policies.push({ id: randomUUID(), displayName: name, state: 'enabled', targetAppIds: [target], grant: 'mfa' })
  return `Conditional Access policy "${name}": MFA for ${values.app} (${target}).`
}

function listApps(tenant: TenantFile): string {
  return Object.entries(tenant.apps).map(([name, app]) => [
    `${name}  ${app.clientId}  ${app.isFallbackPublicClient ? 'public client' : 'confidential'}`,
    ...app.redirectUris.map((uri) => `  redirect ${uri}`),
    ...(app.exposedScopes ?? []).map((scope) => `  scope    ${app.identifierUri}/${scope}`),
    ...app.permissions.map((permission) => `  delegated permission ${permission}`),
    ...(app.applicationPermissions ?? []).map((role) => `  application permission ${role}`),
  ].join('\n')).join('\n')
}

async function run(args: string[]): Promise<string> {
  const { values, positionals } = parse(args)
  const [area, action, subject] = positionals
  const tenantFile = values['tenant-file']
  const current = async () => JSON.parse(await readFile(existsSync(tenantFile) ? tenantFile : shippedTenantFile, 'utf8')) as TenantFile
  const needsSubject = (what: string) => {
    if (!subject) throw new UsageError(`${area} ${action} needs ${what}.`)
    return subject
  }
  switch (`${area} ${action}`) {
    case 'apps list': return listApps(await current())
    case 'apps add': return editTenantFile(tenantFile, (tenant) => addApp(tenant, needsSubject('a NAME'), values))
    case 'users list': return (await current()).users.map((user) => `${user.email}  ${user.id}  ${user.displayName}`).join('\n')
    case 'users add': return editTenantFile(tenantFile, (tenant) => addUser(tenant, needsSubject('an EMAIL'), values))
    case 'users disable':
    case 'users revoke-sessions': {
      const result = await sendAdminRequest(values['data-dir'], { action: action === 'disable' ? 'disable-user' : 'revoke-sessions', email: needsSubject('an EMAIL') })
      if (!result.ok) throw new Error(result.message)
      return result.message
    }
    case 'ca add-policy': return editTenantFile(tenantFile, (tenant) => addPolicy(tenant, needsSubject('a NAME'), values))
    default: throw new UsageError(`Unknown command "${positionals.join(' ')}".`)
  }
}

/** Runs an admin command; the exit code: 0 done, 1 refused by the tenant or the file, 2 a usage mistake. */
export async function runAdminCommand(args: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  try {
    out.write(`${await run(args)}\n`)
    return 0
  } catch (error) {
    const usage = error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
    err.write(`${(error as Error).message}\n${usage ? `\n${adminUsage}` : ''}`)
    return usage ? 2 : 1
  }
}
