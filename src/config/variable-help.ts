import type { envSchema } from './env-schema.ts'

// What each environment variable is, also the text of docs/configuration.md (npm run docs:config): enough
// for the person who reads a boot error to find the value (where in the Entra admin center) and
// to know what shape it must have. Values are never echoed: several are secrets.

export type VariableName = keyof typeof envSchema.properties

interface VariableHelp {
  /** What the value is, and where to find it. */
  what: string
  /** The shape a value must have, for a `pattern` the schema states only as a regular expression. */
  shape?: string
}

const guid = 'a GUID such as 11111111-2222-3333-4444-555555555555'
const secretOrCertificate = (app: string) => `instead of a secret: the ${app}'s certificate private key (a PEM file) with its SHA-256 thumbprint`

export const variableHelp: Partial<Record<VariableName, VariableHelp>> = {
  PROFILE: { what: '`local` runs against the local tenant, `entra` against a real External ID tenant' },
  LOG_LEVEL: { what: 'how much the roles log' },
  EXTRA_CA_FILE: { what: 'a PEM CA file to trust in addition to the system roots (a corporate proxy)' },
  REQUEST_TIMEOUT_SECONDS: { what: 'a request (headers and body) that takes longer is answered 408 and closed, on all three roles' },
  HEADERS_TIMEOUT_SECONDS: { what: 'a client that never finishes its headers is cut off (slowloris)' },
  KEEP_ALIVE_TIMEOUT_SECONDS: { what: "an idle connection is closed after this; keep it above your proxy's upstream idle timeout" },
  RESPONSE_DEADLINE_SECONDS: { what: 'the BFF and the service answer every request within this, whatever a dependency does (504)' },
  TRUST_PROXY: { what: "the TLS-terminating proxy's addresses or CIDRs, comma-separated, or true" },
  TENANT_SUBDOMAIN: { what: 'Entra admin center → Overview → Primary domain, the part before .onmicrosoft.com', shape: 'lower-case letters, digits and hyphens' },
  TENANT_ID: { what: 'Entra admin center → Overview → Tenant ID', shape: guid },
  AUTHORITY: { what: 'optional; defaults to https://{subdomain}.ciamlogin.com/{tenant id}; set it for a custom URL domain', shape: 'an https URL with a path' },
  GRAPH_BASE_URL: { what: 'Microsoft Graph, https://graph.microsoft.com/v1.0 by default', shape: 'an http(s) URL' },
  BFF_HOST: { what: "the BFF's listen address (the image uses 0.0.0.0)" },
  BFF_PORT: { what: "the BFF's listen port" },
  BFF_PUBLIC_ORIGIN: { what: 'the origin users browse, e.g. https://app.contoso.com (https required except for localhost)', shape: 'an origin: scheme and host, no path' },
  BFF_CLIENT_ID: { what: 'App registrations → the web app → Application (client) ID', shape: guid },
  BFF_CLIENT_SECRET: { what: `App registrations → the web app → Certificates & secrets → client secret value (or, ${secretOrCertificate('web app')})` },
  BFF_CLIENT_CERTIFICATE_KEY_FILE: { what: `${secretOrCertificate('web app')}: the key file` },
  BFF_CLIENT_CERTIFICATE_THUMBPRINT: { what: "the web app's certificate SHA-256 thumbprint", shape: '64 hexadecimal digits' },
  BFF_REDIRECT_URI: { what: 'the web app → Authentication → Web redirect URI; default {origin}/auth/redirect', shape: 'an http(s) URL' },
  BFF_POST_LOGOUT_REDIRECT_URI: { what: "where the tenant's sign-out returns; default {origin}/", shape: 'an http(s) URL' },
  BFF_VIEW_CACHE: { what: 'keep compiled page templates in memory; false recompiles them on every render (template work only)' },
  SESSION_SECRETS: { what: 'random, at least 32 characters each, comma-separated; generate one with: openssl rand -base64 32', shape: 'entries of at least 32 characters, comma-separated' },
  SESSION_IDLE_MINUTES: { what: 'a session unused for this long ends' },
  SESSION_ABSOLUTE_HOURS: { what: 'a session ends this long after sign-in, however active' },
  REDIS_URL: { what: 'the Redis shared by the BFF replicas: one node (or REDIS_CLUSTER_URLS, or REDIS_SENTINEL_URLS)', shape: 'a redis:// or rediss:// URL' },
  REDIS_CLUSTER_URLS: { what: "a Redis Cluster's seed nodes (any few of its nodes; the rest are discovered), instead of REDIS_URL", shape: 'redis:// or rediss:// URLs, comma-separated' },
  REDIS_SENTINEL_URLS: { what: 'the Sentinels that watch the Redis primary, instead of REDIS_URL; needs REDIS_SENTINEL_MASTER', shape: 'redis:// or rediss:// URLs, comma-separated' },
  REDIS_SENTINEL_MASTER: { what: 'the name the Sentinels know the primary by (sentinel monitor <name> …)', shape: '1 to 64 letters, digits, ., _ or -' },
  REDIS_CA_FILE: { what: "a PEM CA file that signed Redis's TLS certificate (turns TLS on for redis:// URLs too)" },
  REDIS_CLIENT_CERT_FILE: { what: 'the BFF\'s client certificate for Redis mTLS (PEM); needs REDIS_CLIENT_KEY_FILE' },
  REDIS_CLIENT_KEY_FILE: { what: 'the private key of REDIS_CLIENT_CERT_FILE (PEM)' },
  REDIS_USERNAME: { what: 'the Redis ACL user (default: the default user); needs REDIS_PASSWORD' },
  REDIS_PASSWORD: { what: 'the Redis password (AUTH), or put it in the URL: rediss://:password@host:port' },
  REDIS_AUTH: { what: '`password` (REDIS_PASSWORD, the URL or none) or `entra`: Microsoft Entra tokens, as Azure Managed Redis expects, renewed before they expire' },
  AZURE_CLIENT_ID: { what: 'REDIS_AUTH=entra: the user-assigned managed identity\'s client ID, or the service principal\'s (with AZURE_TENANT_ID and AZURE_CLIENT_SECRET or AZURE_FEDERATED_TOKEN_FILE)', shape: guid },
  AZURE_TENANT_ID: { what: 'REDIS_AUTH=entra with a service principal or workload identity: the Microsoft Entra tenant ID', shape: guid },
  AZURE_CLIENT_SECRET: { what: "REDIS_AUTH=entra with a service principal: the app registration's client secret value" },
  AZURE_FEDERATED_TOKEN_FILE: { what: 'REDIS_AUTH=entra with AKS workload identity: the projected service account token file (set by the webhook)' },
  REDIS_KEY_PREFIX: { what: 'the prefix of the BFF keys in Redis (default bff:)', shape: '1 to 64 letters, digits, :, _ or -' },
  TOKEN_CACHE_KEYS: { what: 'base64 32-byte AES keys sealing token caches in Redis, comma-separated; generate one with: openssl rand -base64 32', shape: '44 base64 characters ending in =, comma-separated' },
  PROFILE_SERVICE_HOST: { what: "the edit profile service's listen address (the image uses 0.0.0.0)" },
  PROFILE_SERVICE_PORT: { what: "the edit profile service's listen port" },
  PROFILE_SERVICE_URL: { what: 'where the BFF reaches the edit profile service, e.g. https://profile.internal', shape: 'an http(s) URL' },
  PROFILE_SERVICE_CLIENT_ID: { what: 'App registrations → edit-profile-service → Application (client) ID', shape: guid },
  PROFILE_SERVICE_CLIENT_SECRET: { what: `App registrations → edit-profile-service → Certificates & secrets → client secret value (or, ${secretOrCertificate('service app')})` },
  PROFILE_SERVICE_CLIENT_CERTIFICATE_KEY_FILE: { what: `${secretOrCertificate('service app')}: the key file` },
  PROFILE_SERVICE_CLIENT_CERTIFICATE_THUMBPRINT: { what: "the service app's certificate SHA-256 thumbprint", shape: '64 hexadecimal digits' },
  PROFILE_SERVICE_SCOPE: { what: 'edit-profile-service → Expose an API → the scope', shape: 'api://{service client id}/EditProfileService.ReadWrite' },
  PROFILE_SERVICE_AUTH_CONTEXT: { what: 'optional: Protection → Conditional Access → Authentication contexts', shape: 'c1 to c99' },
  LOCAL_TENANT_DATA_DIR: { what: "where the local tenant keeps its keys, CA, generated client secrets and users; delete it to start over" },
  LOCAL_TENANT_FILE: { what: "a copy of the local tenant's file (users, app registrations, policies) to use instead of the shipped one" },
  LOCAL_TENANT_HOSTNAME: { what: "the local tenant's host name, e.g. contoso.ciamlogin.com mapped to 127.0.0.1, to reach it by a real tenant's name" },
  LOCAL_TENANT_BIND: { what: "the local tenant's listen address" },
  LOCAL_TENANT_HTTP_PORT: { what: "the port of the local tenant's browser pages (plain http)" },
  LOCAL_TENANT_HTTPS_PORT: { what: "the port of the local tenant's https back channel (and its pages on https)" },
}
