#!/usr/bin/env node
import { parseArgs } from 'node:util'
import { adminUsage, runAdminCommand } from './admin-commands.ts'
import type { LogLevel } from './config.ts'
import { startLocalTenant, type LocalTenant } from './local-tenant.ts'

// `npx entra-local-tenant`: the tenant as a process of its own. Each flag falls back to the
// variable the app's `npm start` reads (LOCAL_TENANT_*), then to the same default.

const env = process.env
const options = {
  port: { type: 'string', default: env.LOCAL_TENANT_HTTPS_PORT ?? '3101' },
  'pages-port': { type: 'string', default: env.LOCAL_TENANT_HTTP_PORT ?? '3100' },
  hostname: { type: 'string', default: env.LOCAL_TENANT_HOSTNAME ?? 'localhost' },
  bind: { type: 'string', default: env.LOCAL_TENANT_BIND ?? '127.0.0.1' },
  'data-dir': { type: 'string', default: env.LOCAL_TENANT_DATA_DIR ?? '.data/local-tenant' },
  'tenant-file': { type: 'string', ...(env.LOCAL_TENANT_FILE ? { default: env.LOCAL_TENANT_FILE } : {}) },
  'pages-on-https': { type: 'boolean', default: false },
  'test-control': { type: 'boolean', default: false },
  'log-level': { type: 'string', default: env.LOG_LEVEL ?? 'info' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const

const help = `Usage: entra-local-tenant [options]

An offline Microsoft Entra External ID tenant: OpenID Connect, email-code MFA, Conditional
Access claims challenges, on-behalf-of, CAE and Graph /me, on your machine.

Options (each falls back to the variable named, then to the default):
  --port N             https port: discovery, token, keys, Graph, and the pages  [LOCAL_TENANT_HTTPS_PORT, 3101]
  --pages-port N       plain http port of the browser pages (no CA to trust)     [LOCAL_TENANT_HTTP_PORT, 3100]
  --hostname NAME      host name in URLs and the certificate, e.g. contoso.ciamlogin.com mapped
                       to 127.0.0.1 (then the issuer is External ID's own)      [LOCAL_TENANT_HOSTNAME, localhost]
  --bind ADDRESS       listen address                                           [LOCAL_TENANT_BIND, 127.0.0.1]
  --data-dir DIR       keys, CA, generated client secrets, users               [LOCAL_TENANT_DATA_DIR, .data/local-tenant]
  --tenant-file FILE   tenant JSON (apps, users, policies) instead of the shipped one  [LOCAL_TENANT_FILE]
  --pages-on-https     discovery sends browsers to the https origin
  --test-control       the test-control API under /_test (loopback clients only): faults,
                       the tenant's clock, CAE events, the mailbox as JSON
  --log-level LEVEL    fatal, error, warn, info, debug, trace or silent         [LOG_LEVEL, info]
  --json               print the connection details as one JSON line instead of text
  -h, --help           this text

Port 0 picks a free port. Stop with Ctrl+C.

${adminUsage}`

const logLevels: LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']

/** A port flag as a number, or the reason it is not one. */
function port(name: string, value: string): number {
  const parsed = Number(value)
  if (!/^\d+$/.test(value) || parsed > 65_535) throw new Error(`--${name} wants a port number from 0 to 65535 (got "${value}")`)
  return parsed
}

function connectionText(tenant: LocalTenant): string {
  const clients = tenant.clients.map((client) => `    ${client.name.padEnd(16)} client id ${client.clientId}\n${' '.repeat(21)}${client.clientSecret ? `secret    ${client.clientSecret}` : 'public client: no secret (isFallbackPublicClient)'}`)
  return [
    `Local tenant ${tenant.subdomain} (tenant id ${tenant.tenantId}) is running.`,
    '',
    `  Authority        ${tenant.authority}`,
    `                   msal-node: knownAuthorities: ['${tenant.knownAuthority}']`,
    `  Discovery        ${tenant.authority}/v2.0/.well-known/openid-configuration`,
    `  Issuer           ${tenant.issuer}`,
    `  Sign-in pages    ${tenant.browserOrigin}`,
    `  Mailbox          ${tenant.mailboxUrl}   (one-time codes for MFA and sign-up)`,
    `  Graph            ${tenant.graphBaseUrl}`,
    ...(tenant.testControlUrl ? [`  Test control     ${tenant.testControlUrl}   (loopback clients only)`] : []),
    `  Demo user        ${tenant.demoUser.email} / ${tenant.demoUser.password}`,
    '  Apps (development secrets, generated in the data dir):',
    ...clients,
    '',
    `  Trust its CA     ${tenant.caCertificateFile}`,
    `    Node.js:       NODE_EXTRA_CA_CERTS=${tenant.caCertificateFile}, or pass it to your HTTP agent's ca`,
    `    Python:        REQUESTS_CA_BUNDLE / SSL_CERT_FILE naming a bundle that includes it`,
    `    Java / .NET:   import it into the trust store (keytool -importcert; the OS store)`,
    `    Chromium:      certutil -d sql:$HOME/.pki/nssdb -A -t "C,," -n "Local tenant CA" -i ${tenant.caCertificateFile}`,
    '',
  ].join('\n')
}

function connectionJson(tenant: LocalTenant): string {
  const { tenantId, authority, knownAuthority, issuer, browserOrigin, httpsOrigin, httpOrigin, graphBaseUrl, mailboxUrl, testControlUrl, caCertificateFile, clients, demoUser } = tenant
  return `${JSON.stringify({ tenantId, authority, knownAuthority, issuer, browserOrigin, httpsOrigin, httpOrigin, graphBaseUrl, mailboxUrl, testControlUrl, caCertificateFile, clients, demoUser })}\n`
}

const parse = () => parseArgs({ options, strict: true, allowPositionals: false }).values

async function main(): Promise<number> {
  const args = process.argv.slice(2)
  if (['apps', 'users', 'ca'].includes(args[0])) return runAdminCommand(args, process.stdout, process.stderr)
  let values: ReturnType<typeof parse>
  try {
    values = parse()
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${help}`)
    return 2
  }
  if (values.help) {
    process.stdout.write(help)
    return 0
  }
  let tenant: LocalTenant
  try {
    const logLevel = values['log-level'] as LogLevel
    if (!logLevels.includes(logLevel)) throw new Error(`--log-level wants one of ${logLevels.join(', ')} (got "${values['log-level']}")`)
    tenant = await startLocalTenant({
      dataDir: values['data-dir'],
      tenantFile: values['tenant-file'],
      hostname: values.hostname,
      bindAddress: values.bind,
      httpPort: port('pages-port', values['pages-port']),
      httpsPort: port('port', values.port),
      ...(values['pages-on-https'] ? { pagesOnHttps: true } : {}),
      testApi: false,
      testControl: values['test-control'],
      logLevel,
    })
  } catch (error) {
    process.stderr.write(`entra-local-tenant: ${(error as Error).message}\n`)
    return 1
  }
  process.stdout.write(values.json ? connectionJson(tenant) : connectionText(tenant))
  const stop = () => {
    tenant.close().then(() => process.exit(0), () => process.exit(1))
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  return 0
}

process.exitCode = await main()
