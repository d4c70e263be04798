// Microsoft Graph's user resource as the stand-in serves it: the writable text properties with
// Graph's own length limits, and the ones Graph computes. The directory keeps a column for each
// writable one, so a profile field on one of Graph's properties needs one row here at most.

export const writableUserProperties = {
  displayName: { maxLength: 256 },
  givenName: { maxLength: 64 },
  surname: { maxLength: 64 },
  jobTitle: { maxLength: 128 },
  mobilePhone: { maxLength: 64 },
  officeLocation: { maxLength: 128 },
  preferredLanguage: { maxLength: 16 },
} as const

export type WritableUserProperty = keyof typeof writableUserProperties

export const writableUserPropertyNames = Object.keys(writableUserProperties) as WritableUserProperty[]

/** What Graph answers about a user but refuses to have set. */
export const readOnlyUserProperties = new Set(['id', 'mail', 'userPrincipalName', 'businessPhones', '@odata.context'])

export const isWritableUserProperty = (name: string): name is WritableUserProperty => Object.hasOwn(writableUserProperties, name)
