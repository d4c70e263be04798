// The BFF's English texts, in ICU MessageFormat. Every user-visible sentence of the BFF is here;
// tests and docs quote several of them, so change one only on purpose.

export const en = {
  'app.name': 'Contoso profile',
  'layout.skipLink': 'Skip to content',
  'layout.accountNav': 'Account',
  'layout.languageNav': 'Language',
  'nav.editProfile': 'Edit profile',
  'nav.claims': 'View ID token claims',
  'nav.signOut': 'Sign out',
  'nav.signOutEverywhere': 'Sign out of every device',

  'home.greeting': 'Hi {name}',
  'home.signedInWith': 'You are signed in with Microsoft Entra External ID.',
  'home.welcome': 'Welcome',
  'home.signInPrompt': 'Sign in to see and edit your profile.',
  'home.signIn': 'Sign In',
  'home.signUp': 'No account? Create one',
  'home.sessionEnded': 'Your session has ended, so you were signed out. Sign in again to continue; anything you typed is kept.',

  'claims.heading': 'ID token claims',
  'claims.intro': 'The claims of the ID token you signed in with. The token itself stays on the server.',
  'claims.claim': 'Claim',
  'claims.value': 'Value',

  'common.backHome': 'Back home',
  'common.supportId': 'Support id:',
  'common.tryAgain': 'Try again',
  'common.cancel': 'Cancel',

  'profile.heading': 'Your profile',
  'profile.field.displayName': 'Display name',
  'profile.field.givenName': 'Given name',
  'profile.field.surname': 'Surname',
  'profile.field.mail': 'Email',
  'profile.field.id': 'Id',
  'profile.edit': 'Edit',

  'editor.save': 'Save',
  'editor.checkFields': 'Check the highlighted fields.',
  'editor.changesInForm': 'Your changes are still in the form.',

  'stepUp.heading': "Verify it's you",
  'stepUp.explanation': "Changing your profile needs a second check. We'll send a one-time code to your email, then bring you back here with your changes kept.",
  'stepUp.verify': "Verify it's you",

  'signInAgain.message': 'Your session has ended. Sign in again; your changes are kept.',

  'notice.saved': 'Your profile was saved.',
  'notice.verified': 'Thanks, you are verified.',
  'notice.stepUpCancelled': 'Verification was not completed. Your changes are kept; select Edit to try again.',

  'validation.text': '{field} must be text.',
  'validation.controlCharacters': '{field} cannot contain control characters.',
  'validation.bidiControls': '{field} cannot contain text-direction control characters.',
  'validation.invisible': '{field} must contain visible characters.',
  'validation.required': '{field} is required.',
  'validation.maxLength': '{field} must be at most {max, plural, one {# character} other {# characters}}.',

  'error.title.server': 'Something went wrong',
  'error.title.client': 'That did not work',
  'error.title.notFound': 'Page not found',
  'error.notFound': 'There is no page at this address.',
  'error.server': 'Something went wrong on our side.{kept, select, yes { Your changes are kept.} other {}} Contact support with the id below.',
  'error.csrf': 'This form has expired. Reload the page and try again.',
  'error.tryAgainLater': '{kept, select, yes {Your changes are kept: try} other {Try}} again in a moment.',
  'error.valuesKept': 'Your values are kept.',
  'error.editorFromSession': 'The editor shows your profile as last loaded.',

  'signIn.failed': 'Sign-in did not complete',
  'signIn.expired': 'This sign-in response has expired or was already used. Sign in again.',
  'signIn.tenantReported': 'The sign-in service reported: {detail}',
  'signIn.noCode': 'The sign-in response has no authorization code.',
  'signIn.notCompleted': 'The sign-in could not be completed. Sign in again.',
  'signIn.differentAccount': 'The verification was done by a different account. Sign in again.',
  'signIn.noSecondFactor': 'The verification did not include a second factor. Try again.',
  'signIn.stillNeedsSecondFactor': 'The verification was not accepted: the sign-in service still asks for a second factor. Your changes are kept; select Edit to try again.',

  'failure.tenant-unreachable': 'We could not reach the sign-in service.',
  'failure.tenant-timeout': 'The sign-in service is taking too long to answer.',
  'failure.graph-unavailable': 'We could not reach Microsoft Graph, where your profile is kept.',
  'failure.graph-timeout': 'Microsoft Graph, where your profile is kept, is taking too long to answer.',
  'failure.graph-throttled': 'Microsoft Graph is busy right now.',
  'failure.graph-refused': 'Microsoft Graph did not accept our request for your profile.',
  'failure.service-unreachable': 'The profile service could not be reached.',
  'failure.service-timeout': 'The profile service did not answer in time.',
  'failure.service-failed': 'The profile service could not save your changes.',
  'failure.store-unavailable': 'The service is briefly unavailable.',
  'failure.store-busy': 'Another request of yours is still being handled.',
  'failure.request-deadline': 'This took longer than it should.',

  'language.en': 'English',
  'language.de': 'Deutsch',
} as const

export type MessageId = keyof typeof en
