import { createServer } from 'node:http'
import { serveParent } from '../child-role.ts'

// Child process: a local OTLP/HTTP receiver for the tracing-cost runs. It reads and counts what
// arrives and answers 200, as a collector on the same host would, without storing anything.

let requests = 0
let bytes = 0
const server = createServer((request, response) => {
  request.on('data', (chunk: Buffer) => (bytes += chunk.length))
  request.on('end', () => {
    requests++
    response.writeHead(200, { 'content-type': request.headers['content-type'] ?? 'application/x-protobuf' }).end()
  })
})
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
const address = server.address()

serveParent({ url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` }, {
  async received() {
    return { requests, bytes }
  },
}, () => new Promise<void>((resolve) => server.close(() => resolve())))
