import type { XStatic } from 'typebox/schema'

// The one schema every environment variable is checked against at boot (read-env.ts, with
// env-check.ts: defaults applied, numbers and booleans coerced from their text), and the type
// of what that returns. Names map to the Entra admin center in docs/configuration.md,
// generated from this schema and variable-help.ts (npm run docs:config).
//
// Plain JSON Schema, with its type inferred by TypeBox at compile time only (`import type`): the
// TypeBox builders would load ~700 modules at every boot (~100 ms of start-to-ready, measured),
// for a schema that is data.

const guid = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'
const port = { type: 'integer', minimum: 0, maximum: 65535 } as const
const logLevel = { type: 'string', enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info' } as const

const variables = {
  PROFILE: { type: 'string', enum: ['local', 'entra'], default: 'local' },
  LOG_LEVEL: logLevel,
  EXTRA_CA_FILE: { type: 'string', minLength: 1 },
  REQUEST_TIMEOUT_SECONDS: { type: 'integer', minimum: 1, maximum: 600, default: 30 },
  HEADERS_TIMEOUT_SECONDS: { type: 'integer', minimum: 1, maximum: 600, default: 10 },
  KEEP_ALIVE_TIMEOUT_SECONDS: { type: 'integer', minimum: 1, maximum: 600, default: 72 },
  RESPONSE_DEADLINE_SECONDS: { type: 'integer', minimum: 1, maximum: 600, default: 20 },
  // false, true or addresses/CIDRs of the TLS-terminating proxy; parsed by trust-proxy.ts.
  TRUST_PROXY: { type: 'string', minLength: 1 },

  TENANT_SUBDOMAIN: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,62}$' },
  TENANT_ID: { type: 'string', pattern: guid },
  AUTHORITY: { type: 'string', pattern: '^https://[^/?#]+/[^?#]+$' },
  // No default here: the entra profile uses Microsoft Graph, the local profile the local tenant's.
  GRAPH_BASE_URL: { type: 'string', pattern: '^https?://' },

  BFF_HOST: { type: 'string', default: '127.0.0.1' },
  BFF_PORT: { ...port, default: 3000 },
  BFF_PUBLIC_ORIGIN: { type: 'string', pattern: '^https?://[^/?#]+$' },
  BFF_CLIENT_ID: { type: 'string', pattern: guid },
  BFF_CLIENT_SECRET: { type: 'string', minLength: 1 },
  BFF_CLIENT_CERTIFICATE_KEY_FILE: { type: 'string', minLength: 1 },
  BFF_CLIENT_CERTIFICATE_THUMBPRINT: { type: 'string', pattern: '^[0-9a-fA-F]{64}$' },
  BFF_REDIRECT_URI: { type: 'string', pattern: '^https?://' },
  BFF_POST_LOGOUT_REDIRECT_URI: { type: 'string', pattern: '^https?://' },
  BFF_VIEW_CACHE: { type: 'boolean', default: true },
  SESSION_SECRETS: { type: 'string', pattern: '^[^,]{32,}(,[^,]{32,})*$' },
  SESSION_IDLE_MINUTES: { type: 'integer', minimum: 1, maximum: 1440, default: 30 },
  SESSION_ABSOLUTE_HOURS: { type: 'integer', minimum: 1, maximum: 720, default: 12 },
  REDIS_URL: { type: 'string', pattern: '^rediss?://' },
  // Redis at scale (redis-config.ts checks the combinations, docs/redis.md explains them).
  REDIS_CLUSTER_URLS: { type: 'string', pattern: '^rediss?://[^,\\s]+(,\\s*rediss?://[^,\\s]+)*$' },
  REDIS_SENTINEL_URLS: { type: 'string', pattern: '^rediss?://[^,\\s]+(,\\s*rediss?://[^,\\s]+)*$' },
  REDIS_SENTINEL_MASTER: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,64}$' },
  REDIS_CA_FILE: { type: 'string', minLength: 1 },
  REDIS_CLIENT_CERT_FILE: { type: 'string', minLength: 1 },
  REDIS_CLIENT_KEY_FILE: { type: 'string', minLength: 1 },
  REDIS_USERNAME: { type: 'string', minLength: 1 },
  REDIS_PASSWORD: { type: 'string', minLength: 1 },
  REDIS_AUTH: { type: 'string', enum: ['password', 'entra'], default: 'password' },
  AZURE_CLIENT_ID: { type: 'string', pattern: guid },
  AZURE_TENANT_ID: { type: 'string', pattern: guid },
  AZURE_CLIENT_SECRET: { type: 'string', minLength: 1 },
  AZURE_FEDERATED_TOKEN_FILE: { type: 'string', minLength: 1 },
  REDIS_KEY_PREFIX: { type: 'string', pattern: '^[A-Za-z0-9:_-]{1,64}$' },
  TOKEN_CACHE_KEYS: { type: 'string', pattern: '^[A-Za-z0-9+/]{43}=(,[A-Za-z0-9+/]{43}=)*$' },

  PROFILE_SERVICE_HOST: { type: 'string', default: '127.0.0.1' },
  PROFILE_SERVICE_PORT: { ...port, default: 3001 },
  PROFILE_SERVICE_URL: { type: 'string', pattern: '^https?://[^?#]+$' },
  PROFILE_SERVICE_CLIENT_ID: { type: 'string', pattern: guid },
  PROFILE_SERVICE_CLIENT_SECRET: { type: 'string', minLength: 1 },
  PROFILE_SERVICE_CLIENT_CERTIFICATE_KEY_FILE: { type: 'string', minLength: 1 },
  PROFILE_SERVICE_CLIENT_CERTIFICATE_THUMBPRINT: { type: 'string', pattern: '^[0-9a-fA-F]{64}$' },
  PROFILE_SERVICE_SCOPE: { type: 'string', pattern: '^api://[^/]+/[A-Za-z.]+$' },
  PROFILE_SERVICE_AUTH_CONTEXT: { type: 'string', pattern: '^c([1-9]|[1-9][0-9])$' },

  LOCAL_TENANT_DATA_DIR: { type: 'string', default: '.data/local-tenant' },
  LOCAL_TENANT_FILE: { type: 'string', minLength: 1 },
  LOCAL_TENANT_HOSTNAME: { type: 'string', default: 'localhost' },
  LOCAL_TENANT_BIND: { type: 'string', default: '127.0.0.1' },
  LOCAL_TENANT_HTTP_PORT: { ...port, default: 3100 },
  LOCAL_TENANT_HTTPS_PORT: { ...port, default: 3101 },
} as const

export const envSchema = {
  type: 'object',
  properties: variables,
  // What each profile and role needs is checked next, with every problem at once
  // (check-configuration.ts): one role can run alone, and its operator learns everything in one round.
  required: [],
} as const

type Variables = typeof variables
/** Variables with a default: always set once the schema has been applied. */
type Defaulted = { [Name in keyof Variables]: Variables[Name] extends { default: unknown } ? Name : never }[keyof Variables]

/** The environment after readEnv: each variable typed from its schema; optional unless it has a default. */
export type Env =
  & { [Name in Defaulted]: XStatic<Variables[Name]> }
  & { [Name in Exclude<keyof Variables, Defaulted>]?: XStatic<Variables[Name]> }
