import type { LocalTenantConnection } from '../../src/config/local-profile.ts'

/** A real tenant's environment, as an operator sets it (values are shapes, not secrets). */
export const entraEnv = {
  PROFILE: 'entra',
  TENANT_SUBDOMAIN: 'contoso',
  TENANT_ID: '11111111-2222-3333-4444-555555555555',
  BFF_PUBLIC_ORIGIN: 'https://app.contoso.com',
  TRUST_PROXY: '10.0.0.0/8',
  BFF_CLIENT_ID: 'aaaaaaaa-2222-3333-4444-555555555555',
  BFF_CLIENT_SECRET: 'bff-secret',
  SESSION_SECRETS: 'q8Zr0v+3LkYw1pXc7TnB5mHa9dGe2sJu',
  PROFILE_SERVICE_URL: 'https://profile.contoso.com',
  PROFILE_SERVICE_SCOPE: 'api://bbbbbbbb-2222-3333-4444-555555555555/EditProfileService.ReadWrite',
  PROFILE_SERVICE_CLIENT_ID: 'bbbbbbbb-2222-3333-4444-555555555555',
  PROFILE_SERVICE_CLIENT_SECRET: 'service-secret',
}

/** What a role started alone reads about a running local tenant. */
export const localTenantConnection: LocalTenantConnection = {
  authority: 'https://localhost:3101/tid',
  knownAuthority: 'localhost:3101',
  caCertificatePem: 'PEM',
  graphBaseUrl: 'https://localhost:3101/v1.0',
  apps: {
    bff: { clientId: 'bff-id', clientSecret: 'bff-secret' },
    profileService: { clientId: 'svc-id', clientSecret: 'svc-secret', scope: 'api://svc-id/EditProfileService.ReadWrite' },
  },
}
