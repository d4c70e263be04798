// Password rules for sign-up, as Microsoft Entra applies them to cloud accounts (External ID
// included): 8 to 256 characters, and characters from at least three of lowercase, uppercase,
// digits and symbols. Source: learn.microsoft.com/entra/identity/authentication/concept-password-ban-bad-combined-policy
// ("Password restrictions"). Entra also refuses banned and breached passwords; the local tenant does not.

const classes = [/\p{Ll}/u, /\p{Lu}/u, /\p{Nd}/u, /[^\p{Ll}\p{Lu}\p{Nd}]/u]

/** What is wrong with a new password, in the words the sign-up page shows; undefined when it is acceptable. */
export function passwordProblem(password: string): string | undefined {
  const length = [...password].length
  if (length < 8 || length > 256) return 'Your password must be between 8 and 256 characters.'
  if (classes.filter((pattern) => pattern.test(password)).length < 3) {
    return 'Your password must contain characters from at least three of: lowercase letters, uppercase letters, numbers and symbols.'
  }
  return undefined
}
