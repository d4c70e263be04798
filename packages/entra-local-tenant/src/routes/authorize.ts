import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { parseClaimsRequest, type ClaimsRequestError } from '../claims-request.ts'
import type { TenantContext } from '../context.ts'
import { isRegisteredRedirectUri } from '../redirect-uris.ts'
import { continueSignedIn, newInteraction, returnToApp, tenantSession } from '../flow.ts'
import { pkceValue } from '../pkce.ts'
import { parseScopes, ScopeError, type ScopeRequest } from '../scopes.ts'
import type { AuthorizeRequest } from '../state.ts'

// GET|POST /{tenant}/oauth2/v2.0/authorize: checks the request as Entra does, then starts (or,
// with single sign-on, skips) the sign-in pages. Until the redirect URI is trusted, errors are
// shown on a page; after, they go back to the app as OAuth errors.

const prompts = new Set(['login', 'none', 'select_account', 'create', 'consent'])

function errorPage(reply: FastifyReply, status: number, message: string) {
  return reply.code(status).view('error.hbs', { message })
}

export function authorizeRoutes(app: FastifyInstance, context: TenantContext) {
  async function authorize(request: FastifyRequest, reply: FastifyReply) {
    const source = (request.method === 'POST' ? request.body : request.query) as Record<string, unknown> | undefined
    const param = (name: string) => (typeof source?.[name] === 'string' ? (source[name] as string) : undefined)

    const client = context.app(param('client_id'))
    if (!client) return errorPage(reply, 400, `AADSTS700016: Application with identifier '${param('client_id') ?? ''}' was not found in the directory '${context.tenant.tenant.subdomain}'.`)
    const redirectUri = param('redirect_uri')
    if (!redirectUri || !isRegisteredRedirectUri(client, redirectUri)) {
      return errorPage(reply, 400, `AADSTS50011: The redirect URI '${redirectUri ?? ''}' specified in the request does not match the redirect URIs configured for the application '${client.clientId}'.`)
    }
    const responseMode = param('response_mode') ?? 'query'
    const partial = { redirectUri, responseMode: responseMode === 'form_post' ? 'form_post' as const : 'query' as const, state: param('state') }
    const fail = (error: string, description: string) => returnToApp(reply, partial, { error, error_description: description })

    if (responseMode !== 'query' && responseMode !== 'form_post') return fail('invalid_request', `AADSTS900144: response_mode '${responseMode}' is not supported.`)
    if (param('response_type') !== 'code') return fail('unsupported_response_type', 'AADSTS700054: response_type must be \'code\'.')
    let scopes: ScopeRequest
    try {
      // Several resources are fine here: consent covers all, the code buys a token for one.
      scopes = parseScopes(param('scope'), context.tenant, 'first')
    } catch (error) {
      if (!(error instanceof ScopeError)) throw error
      return fail('invalid_scope', `AADSTS${error.code}: ${error.message}`)
    }
    if (!scopes.oidc.includes('openid') && scopes.requested.length === 0) return fail('invalid_scope', "AADSTS900144: The request body must contain the following parameter: 'scope'.")
    const challenge = param('code_challenge')
    const method = param('code_challenge_method')
    // "plain" and "S256", plain when left out (v2-oauth2-auth-code-flow.md, `code_challenge_method`; RFC 7636 §4.3).
    const challengeMethod = method ?? 'plain'
    if (challenge && challengeMethod !== 'S256' && challengeMethod !== 'plain') return fail('invalid_request', `AADSTS501491: Invalid code_challenge_method '${challengeMethod}'.`)
    if (challenge && !pkceValue.test(challenge)) return fail('invalid_request', 'AADSTS501491: Invalid size of Code_Challenge parameter.')
    if (!challenge && client.requirePkce) return fail('invalid_request', 'AADSTS9002325: Proof Key for Code Exchange is required for cross-origin authorization code redemption.')
    const claims = param('claims')
    try {
      parseClaimsRequest(claims, context.tenant)
    } catch (error) {
      return fail('invalid_request', `AADSTS90014: ${(error as ClaimsRequestError).message}`)
    }
    const prompt = param('prompt')
    if (prompt && !prompts.has(prompt)) return fail('invalid_request', `AADSTS90023: Invalid prompt value '${prompt}'.`)

    const authorizeRequest: AuthorizeRequest = {
      ...partial, clientId: client.clientId, scope: param('scope') ?? '', scopes, nonce: param('nonce'), codeChallenge: challenge, codeChallengeMethod: challenge ? (challengeMethod === 'S256' ? 'S256' : 'plain') : undefined,
      claims: claims && claims !== '{}' ? claims : undefined, prompt, loginHint: param('login_hint'), uiLocales: param('ui_locales'),
    }
    const session = tenantSession(context, request, reply)
    const interaction = newInteraction(context, session, authorizeRequest)
    const hint = authorizeRequest.loginHint?.toLowerCase()
    const signedInUser = session.userId ? context.directory.byId(session.userId) : undefined
    const ssoUsable = signedInUser && (!hint || hint === signedInUser.email) && prompt !== 'login' && prompt !== 'select_account' && prompt !== 'create'

    if (prompt === 'none' && !ssoUsable) {
      context.state.interactions.delete(interaction.id)
      return returnToApp(reply, authorizeRequest, { error: 'login_required', error_description: 'AADSTS50058: A silent sign-in request was sent but no user is signed in.' })
    }
    if (ssoUsable) return continueSignedIn(context, request, reply, interaction, session)
    // select_account: the account picker, single sign-on kept for the account picked (v2-oauth2-auth-code-flow.md, `prompt`).
    if (prompt === 'select_account' && signedInUser && (!hint || hint === signedInUser.email)) {
      interaction.step = 'select-account'
      return reply.view('select-account.hbs', { interaction: interaction.id, email: signedInUser.email, name: signedInUser.displayName })
    }
    if (prompt === 'create') {
      interaction.step = 'signup-email'
      return reply.view('signup-email.hbs', { interaction: interaction.id })
    }
    if (hint && context.directory.byEmail(hint)) {
      interaction.step = 'password'
      interaction.email = hint
      return reply.view('password.hbs', { interaction: interaction.id, email: hint })
    }
    return reply.view('email.hbs', { interaction: interaction.id, email: hint ?? signedInUser?.email ?? '' })
  }

  app.get('/:tenant/oauth2/v2.0/authorize', authorize)
  app.post('/:tenant/oauth2/v2.0/authorize', authorize)
}
