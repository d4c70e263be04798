import type { EntraBffDrafts, FastifyInstance, FastifyRequest } from 'fastify'

// Drafts: what a user typed, kept server-side under a name the app declares (EntraBffDrafts)
// through step-up, sign-in again and failures, and handed back by the route that shows it.
// `draftReturnTo` is where sign-in again brings the user while a draft waits (sign-in-again.ts).

export function decorateDrafts(app: FastifyInstance) {
  app.decorateRequest('draft', function (this: FastifyRequest, name: keyof EntraBffDrafts) {
    return this.session.drafts?.[name]
  })
  app.decorateRequest('keepDraft', function (this: FastifyRequest, name: keyof EntraBffDrafts, value: EntraBffDrafts[typeof name], keepOptions: { returnTo?: string } = {}) {
    this.session.drafts = { ...this.session.drafts, [name]: value }
    if (keepOptions.returnTo) this.session.draftReturnTo = keepOptions.returnTo
  })
  app.decorateRequest('dropDraft', function (this: FastifyRequest, name: keyof EntraBffDrafts) {
    if (!this.session.drafts || !(name in this.session.drafts)) return
    const { [name]: _dropped, ...rest } = this.session.drafts
    this.session.drafts = Object.keys(rest).length > 0 ? rest : undefined
    if (!this.session.drafts) this.session.draftReturnTo = undefined
  })
}
