import { type Static, Type } from 'typebox'

// The one schema every environment variable is checked against at boot (read-env.ts, with
// env-schema's Ajv: defaults applied, numbers and booleans coerced from their text), and the type
// of what it returns. Names map to the Entra admin center in the README ("Configuration for a
// real tenant"). A variable with a default is never undefined after the check, so it is not
// Optional here; one without is.

const guid = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'
const port = (defaultPort: number) => Type.Integer({ minimum: 0, maximum: 65535, default: defaultPort })
const seconds = (defaultSeconds: number) => Type.Integer({ minimum: 1, maximum: 600, default: defaultSeconds })
const text = (pattern: string) => Type.Optional(Type.String({ pattern }))
const nonEmpty = () => Type.Optional(Type.String({ minLength: 1 }))

export const envSchema = Type.Object({
  PROFILE: Type.Enum(['local', 'entra'], { default: 'local' }),
  LOG_LEVEL: Type.Enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { default: 'info' }),
  EXTRA_CA_FILE: nonEmpty(),
  REQUEST_TIMEOUT_SECONDS: seconds(30),
  HEADERS_TIMEOUT_SECONDS: seconds(10),
  KEEP_ALIVE_TIMEOUT_SECONDS: seconds(72),
  RESPONSE_DEADLINE_SECONDS: seconds(20),
  // false, true or addresses/CIDRs of the TLS-terminating proxy; parsed by trust-proxy.ts.
  TRUST_PROXY: nonEmpty(),

  TENANT_SUBDOMAIN: text('^[a-z0-9][a-z0-9-]{0,62}$'),
  TENANT_ID: text(guid),
  AUTHORITY: text('^https://[^/?#]+/[^?#]+$'),
  // No default here: the entra profile uses Microsoft Graph, the local profile the local tenant's.
  GRAPH_BASE_URL: text('^https?://'),

  BFF_HOST: Type.String({ default: '127.0.0.1' }),
  BFF_PORT: port(3000),
  BFF_PUBLIC_ORIGIN: text('^https?://[^/?#]+$'),
  BFF_CLIENT_ID: text(guid),
  BFF_CLIENT_SECRET: nonEmpty(),
  BFF_CLIENT_CERTIFICATE_KEY_FILE: nonEmpty(),
  BFF_CLIENT_CERTIFICATE_THUMBPRINT: text('^[0-9a-fA-F]{64}$'),
  BFF_REDIRECT_URI: text('^https?://'),
  BFF_POST_LOGOUT_REDIRECT_URI: text('^https?://'),
  BFF_VIEW_CACHE: Type.Boolean({ default: true }),
  SESSION_SECRETS: text('^[^,]{32,}(,[^,]{32,})*$'),
  SESSION_IDLE_MINUTES: Type.Integer({ minimum: 1, maximum: 1440, default: 30 }),
  SESSION_ABSOLUTE_HOURS: Type.Integer({ minimum: 1, maximum: 720, default: 12 }),
  REDIS_URL: text('^rediss?://'),
  REDIS_KEY_PREFIX: text('^[A-Za-z0-9:_-]{1,64}$'),
  TOKEN_CACHE_KEYS: text('^[A-Za-z0-9+/]{43}=(,[A-Za-z0-9+/]{43}=)*$'),

  PROFILE_SERVICE_HOST: Type.String({ default: '127.0.0.1' }),
  PROFILE_SERVICE_PORT: port(3001),
  PROFILE_SERVICE_URL: text('^https?://[^?#]+$'),
  PROFILE_SERVICE_CLIENT_ID: text(guid),
  PROFILE_SERVICE_CLIENT_SECRET: nonEmpty(),
  PROFILE_SERVICE_CLIENT_CERTIFICATE_KEY_FILE: nonEmpty(),
  PROFILE_SERVICE_CLIENT_CERTIFICATE_THUMBPRINT: text('^[0-9a-fA-F]{64}$'),
  PROFILE_SERVICE_SCOPE: text('^api://[^/]+/[A-Za-z.]+$'),
  PROFILE_SERVICE_AUTH_CONTEXT: text('^c([1-9]|[1-9][0-9])$'),

  LOCAL_TENANT_DATA_DIR: Type.String({ default: '.data/local-tenant' }),
  LOCAL_TENANT_FILE: nonEmpty(),
  LOCAL_TENANT_HOSTNAME: Type.String({ default: 'localhost' }),
  LOCAL_TENANT_BIND: Type.String({ default: '127.0.0.1' }),
  LOCAL_TENANT_HTTP_PORT: port(3100),
  LOCAL_TENANT_HTTPS_PORT: port(3101),
}, {
  // Plain JSON Schema: a condition on values, which the type cannot express. Each role adds its
  // own required variables (entra-profile.ts), so one role can run alone.
  if: { properties: { PROFILE: { const: 'entra' } }, required: ['PROFILE'] },
  then: { required: ['TENANT_SUBDOMAIN', 'TENANT_ID'] },
})

export type Env = Static<typeof envSchema>
