import type { MessageId } from './messages-en.ts'

// German. Typed against the English catalog: a missing or extra key fails the type check.

export const de: Record<MessageId, string> = {
  'app.name': 'Contoso-Profil',
  'layout.skipLink': 'Zum Inhalt springen',
  'layout.accountNav': 'Konto',
  'layout.languageNav': 'Sprache',
  'nav.editProfile': 'Profil bearbeiten',
  'nav.claims': 'ID-Token-Claims ansehen',
  'nav.signOut': 'Abmelden',
  'nav.signOutEverywhere': 'Auf allen Geräten abmelden',

  'home.greeting': 'Hallo {name}',
  'home.signedInWith': 'Sie sind mit Microsoft Entra External ID angemeldet.',
  'home.welcome': 'Willkommen',
  'home.signInPrompt': 'Melden Sie sich an, um Ihr Profil zu sehen und zu bearbeiten.',
  'home.signIn': 'Anmelden',
  'home.signUp': 'Noch kein Konto? Jetzt erstellen',
  'home.sessionEnded': 'Ihre Sitzung ist abgelaufen, deshalb wurden Sie abgemeldet. Melden Sie sich erneut an, um fortzufahren; alles, was Sie eingegeben haben, bleibt erhalten.',

  'claims.heading': 'Claims des ID-Tokens',
  'claims.intro': 'Die Claims des ID-Tokens, mit dem Sie sich angemeldet haben. Das Token selbst bleibt auf dem Server.',
  'claims.claim': 'Claim',
  'claims.value': 'Wert',

  'common.backHome': 'Zur Startseite',
  'common.supportId': 'Support-ID:',
  'common.tryAgain': 'Erneut versuchen',
  'common.cancel': 'Abbrechen',

  'profile.heading': 'Ihr Profil',
  'profile.field.displayName': 'Anzeigename',
  'profile.field.givenName': 'Vorname',
  'profile.field.surname': 'Nachname',
  'profile.field.mail': 'E-Mail',
  'profile.field.id': 'ID',
  'profile.edit': 'Bearbeiten',

  'editor.save': 'Speichern',
  'editor.checkFields': 'Bitte prüfen Sie die markierten Felder.',
  'editor.changesInForm': 'Ihre Änderungen stehen noch im Formular.',

  'stepUp.heading': 'Bestätigen Sie, dass Sie es sind',
  'stepUp.explanation': 'Für Änderungen an Ihrem Profil ist eine zweite Prüfung nötig. Wir senden Ihnen einen Einmalcode per E-Mail und bringen Sie dann mit Ihren Änderungen hierher zurück.',
  'stepUp.verify': 'Identität bestätigen',

  'signInAgain.message': 'Ihre Sitzung ist abgelaufen. Melden Sie sich erneut an; Ihre Änderungen bleiben erhalten.',

  'notice.saved': 'Ihr Profil wurde gespeichert.',
  'notice.verified': 'Danke, Sie sind bestätigt.',
  'notice.stepUpCancelled': 'Die Bestätigung wurde nicht abgeschlossen. Ihre Änderungen bleiben erhalten; wählen Sie „Bearbeiten“, um es erneut zu versuchen.',

  'validation.text': '{field} muss Text sein.',
  'validation.controlCharacters': '{field} darf keine Steuerzeichen enthalten.',
  'validation.bidiControls': '{field} darf keine Steuerzeichen für die Schreibrichtung enthalten.',
  'validation.invisible': '{field} muss sichtbare Zeichen enthalten.',
  'validation.required': '{field} ist erforderlich.',
  'validation.maxLength': '{field} darf höchstens {max, plural, one {# Zeichen} other {# Zeichen}} lang sein.',

  'error.title.server': 'Etwas ist schiefgegangen',
  'error.title.client': 'Das hat nicht funktioniert',
  'error.title.notFound': 'Seite nicht gefunden',
  'error.notFound': 'Unter dieser Adresse gibt es keine Seite.',
  'error.server': 'Bei uns ist etwas schiefgegangen.{kept, select, yes { Ihre Änderungen bleiben erhalten.} other {}} Wenden Sie sich mit der unten stehenden ID an den Support.',
  'error.csrf': 'Dieses Formular ist abgelaufen. Laden Sie die Seite neu und versuchen Sie es noch einmal.',
  'error.tryAgainLater': '{kept, select, yes {Ihre Änderungen bleiben erhalten: Versuchen Sie es} other {Versuchen Sie es}} gleich noch einmal.',
  'error.valuesKept': 'Ihre Eingaben bleiben erhalten.',
  'error.editorFromSession': 'Der Editor zeigt Ihr Profil, wie es zuletzt geladen wurde.',

  'signIn.failed': 'Die Anmeldung wurde nicht abgeschlossen',
  'signIn.expired': 'Diese Anmeldeantwort ist abgelaufen oder wurde bereits verwendet. Melden Sie sich erneut an.',
  'signIn.tenantReported': 'Der Anmeldedienst meldete: {detail}',
  'signIn.noCode': 'Die Anmeldeantwort enthält keinen Autorisierungscode.',
  'signIn.notCompleted': 'Die Anmeldung konnte nicht abgeschlossen werden. Melden Sie sich erneut an.',
  'signIn.differentAccount': 'Die Bestätigung erfolgte mit einem anderen Konto. Melden Sie sich erneut an.',
  'signIn.noSecondFactor': 'Die Bestätigung enthielt keinen zweiten Faktor. Versuchen Sie es noch einmal.',
  'signIn.stillNeedsSecondFactor': 'Die Bestätigung wurde nicht akzeptiert: Der Anmeldedienst verlangt weiterhin einen zweiten Faktor. Ihre Änderungen bleiben erhalten; wählen Sie „Bearbeiten“, um es erneut zu versuchen.',

  'failure.tenant-unreachable': 'Wir konnten den Anmeldedienst nicht erreichen.',
  'failure.tenant-timeout': 'Der Anmeldedienst braucht zu lange für eine Antwort.',
  'failure.graph-unavailable': 'Wir konnten Microsoft Graph, wo Ihr Profil gespeichert ist, nicht erreichen.',
  'failure.graph-timeout': 'Microsoft Graph, wo Ihr Profil gespeichert ist, braucht zu lange für eine Antwort.',
  'failure.graph-throttled': 'Microsoft Graph ist gerade ausgelastet.',
  'failure.graph-refused': 'Microsoft Graph hat unsere Anfrage nach Ihrem Profil nicht angenommen.',
  'failure.service-unreachable': 'Der Profildienst war nicht erreichbar.',
  'failure.service-timeout': 'Der Profildienst hat nicht rechtzeitig geantwortet.',
  'failure.service-failed': 'Der Profildienst konnte Ihre Änderungen nicht speichern.',
  'failure.store-unavailable': 'Der Dienst ist kurz nicht verfügbar.',
  'failure.store-busy': 'Eine andere Anfrage von Ihnen wird noch bearbeitet.',
  'failure.request-deadline': 'Das hat länger gedauert, als es sollte.',

  'language.en': 'English',
  'language.de': 'Deutsch',
}
