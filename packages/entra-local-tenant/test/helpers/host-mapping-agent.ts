import { createSecureContext, rootCertificates } from 'node:tls'
import { Agent, buildConnector } from 'undici'

/**
 * An undici agent that sends chosen host:port pairs to another address — a hosts file for one
 * client, with the port mapped too — while TLS still checks the certificate against the name the
 * URL used, trusting the system roots plus the given CAs. Used to reach the local tenant under a
 * real tenant's names (contoso.ciamlogin.com:443, graph.microsoft.com:443) from tests on port 0.
 */
export function hostMappingAgent(routes: Record<string, { host: string; port: number }>, extraCaPem: string[]): Agent {
  const connector = buildConnector({ secureContext: createSecureContext({ ca: [...rootCertificates, ...extraCaPem] }), timeout: 5_000 })
  return new Agent({
    connect(options, callback) {
      const port = options.port || (options.protocol === 'https:' ? '443' : '80')
      const target = routes[`${options.hostname.toLowerCase()}:${port}`]
      if (!target) return connector(options, callback)
      return connector({ ...options, hostname: target.host, port: String(target.port), servername: options.hostname }, callback)
    },
  })
}
