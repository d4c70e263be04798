import t from 'tap'
import { redactAttributes } from '../../../src/lib/telemetry/span-redaction.ts'

// Whatever an instrumentation records, spans leave without query strings or headers.

t.test('URLs and paths lose their query string and fragment', async (t) => {
  const attributes: Record<string, unknown> = {
    'url.full': 'https://tenant.example/authorize?code=abc&state=xyz#frag', 'url.path': '/auth/redirect?code=abc', 'http.target': '/x?client_secret=s',
  }
  redactAttributes(attributes)
  t.same(attributes, { 'url.full': 'https://tenant.example/authorize', 'url.path': '/auth/redirect', 'http.target': '/x' })
})

t.test('query and header attributes are dropped; others are kept', async (t) => {
  const attributes: Record<string, unknown> = {
    'url.query': '?code=abc', 'http.request.header.authorization': ['Bearer eyJ'], 'http.response.header.set-cookie': ['s=1'],
    'http.route': '/profile', 'http.response.status_code': 200,
  }
  redactAttributes(attributes)
  t.same(attributes, { 'http.route': '/profile', 'http.response.status_code': 200 })
})

t.test('a database statement keeps its command, never its keys or values', async (t) => {
  const attributes: Record<string, unknown> = { 'db.statement': 'GET bff:sess:8f1c2d secret-value', 'db.query.text': 'SET k v' }
  redactAttributes(attributes)
  t.same(attributes, { 'db.statement': 'GET', 'db.query.text': 'SET' })
})

t.test('JWT-shaped text in any attribute (an exception message, a stack) is blanked out', async (t) => {
  const attributes: Record<string, unknown> = { 'exception.message': 'token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl was refused' }
  redactAttributes(attributes)
  t.same(attributes, { 'exception.message': 'token [redacted] was refused' })
})
