// The user's profile, one row per field: every layer (the Graph client and its $select, the edit
// profile service's API and validation, the BFF's session snapshot, editor and card) reads this
// table, so adding a field is one row here, its label in both BFF catalogs, and a test.
// Limits are Graph's own (displayName ≤ 256 and required, givenName/surname ≤ 64).

interface FieldRow {
  /** The property of Microsoft Graph's user resource that holds it. */
  graph: string
  /** In the user's words, English: the edit profile service's API messages name the field so. */
  label: string
  /** Its label in the BFF's message catalogs. */
  labelId: `profile.field.${string}`
  /**
   * How the card shows it: `text` is typed by people in any script (shown with dir="auto"),
   * `address` is an email address, `identifier` a directory id (shown as code).
   */
  shownAs: 'text' | 'address' | 'identifier'
}

interface EditableRow extends FieldRow {
  editable: true
  required: boolean
  maxLength: number
  /** The HTML autocomplete token that lets browsers fill it. */
  autocomplete: string
}

interface ReadOnlyRow extends FieldRow {
  editable: false
}

export const profileFields = {
  displayName: { graph: 'displayName', label: 'Display name', labelId: 'profile.field.displayName', shownAs: 'text', editable: true, required: true, maxLength: 256, autocomplete: 'nickname' },
  givenName: { graph: 'givenName', label: 'Given name', labelId: 'profile.field.givenName', shownAs: 'text', editable: true, required: false, maxLength: 64, autocomplete: 'given-name' },
  surname: { graph: 'surname', label: 'Surname', labelId: 'profile.field.surname', shownAs: 'text', editable: true, required: false, maxLength: 64, autocomplete: 'family-name' },
  mail: { graph: 'mail', label: 'Email', labelId: 'profile.field.mail', shownAs: 'address', editable: false },
  id: { graph: 'id', label: 'Id', labelId: 'profile.field.id', shownAs: 'identifier', editable: false },
} as const satisfies Record<string, EditableRow | ReadOnlyRow>

export type ProfileFieldName = keyof typeof profileFields
export type EditableField = { [Name in ProfileFieldName]: (typeof profileFields)[Name]['editable'] extends true ? Name : never }[ProfileFieldName]

/** Every field, in the order the card shows them. */
export const profileFieldNames = Object.keys(profileFields) as ProfileFieldName[]
/** The fields a user may change, in the order the editor shows them. */
export const editableFields = profileFieldNames.filter((name) => profileFields[name].editable) as EditableField[]

/** A profile as Graph and the edit profile service hold it: a value Graph does not have is null. */
export type Profile = Record<ProfileFieldName, string | null> & { id: string }
/** What a user typed into the editor, field by field. */
export type ProfileDraft = Record<EditableField, string>

/** The profile in a Graph user resource (by the table's Graph property names); nothing else of it. */
export function profileFromGraph(user: Record<string, unknown>): Profile {
  const value = (name: ProfileFieldName) => {
    const raw = user[profileFields[name].graph]
    return typeof raw === 'string' ? raw : null
  }
  return Object.fromEntries(profileFieldNames.map((name) => [name, value(name)])) as Profile
}

/** Changes to profile fields as a Graph PATCH body (Graph's property names). */
export function graphChanges(changes: Partial<Record<EditableField, string | null>>): Record<string, string | null> {
  const body: Record<string, string | null> = {}
  for (const name of editableFields) {
    const value = changes[name]
    if (value !== undefined) body[profileFields[name].graph] = value
  }
  return body
}

/** Graph's `$select` for the profile: only what the table names, so a new row is read too. */
export const graphSelect = profileFieldNames.map((name) => profileFields[name].graph).join(',')
