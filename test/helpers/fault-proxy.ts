import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { Test } from 'tap'
import { Agent, request } from 'undici'

// A small HTTP proxy the fault tests put between a role and one of its upstreams (Graph, the edit
// profile service). It forwards faithfully until told to fail: answer 503 with an upstream's own
// text and a Retry-After, or hold the request and never answer.

export type Fault = 'none' | 'unavailable' | 'hang'

export async function startFaultProxy(t: Test, upstreamOrigin: string, options: { caPem?: string[] } = {}) {
  let fault: Fault = 'none'
  const dispatcher = new Agent({ connect: { ca: options.caPem } })
  const held: ServerResponse[] = []
  const server = createServer(async (incoming: IncomingMessage, outgoing: ServerResponse) => {
    if (fault === 'hang') {
      held.push(outgoing)
      return
    }
    if (fault === 'unavailable') {
      outgoing.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '7' }).end('Service Unavailable (fault injected by proxy).')
      return
    }
    const chunks: Buffer[] = []
    for await (const chunk of incoming) chunks.push(chunk as Buffer)
    const { host: _host, connection: _connection, ...headers } = incoming.headers
    const answer = await request(`${upstreamOrigin}${incoming.url}`, {
      method: incoming.method as 'GET', headers: headers as Record<string, string>, body: chunks.length ? Buffer.concat(chunks) : undefined, dispatcher,
    })
    const { connection: _c, 'transfer-encoding': _te, ...answerHeaders } = answer.headers
    outgoing.writeHead(answer.statusCode, answerHeaders as Record<string, string>)
    outgoing.end(Buffer.from(await answer.body.arrayBuffer()))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(async () => {
    for (const response of held) response.destroy()
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
    await dispatcher.close()
  })
  const { port } = server.address() as { port: number }
  return {
    origin: `http://127.0.0.1:${port}`,
    set(next: Fault) {
      fault = next
      if (next !== 'hang') for (const response of held.splice(0)) response.destroy()
    },
  }
}
