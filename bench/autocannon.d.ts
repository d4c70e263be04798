// The part of autocannon 9's API the harness uses (the package ships no types).
declare module 'autocannon' {
  interface RequestParams { method?: string; path?: string; headers?: Record<string, string>; body?: string }
  interface Options {
    url: string
    connections: number
    duration: number
    /** Seconds before a request counts as timed out (default 10). */
    timeout?: number
    requests?: {
      setupRequest?: (request: RequestParams, context: Record<string, unknown>) => RequestParams
      /** Called with each answer's body (which autocannon then reads) and the connection's context. */
      onResponse?: (status: number, body: string, context: Record<string, unknown>, headers: Record<string, string>) => void
    }[]
  }
  interface Result {
    requests: { average: number; total: number }
    /** Seconds the run took. */
    duration: number
    latency: { p50: number; p99: number }
    non2xx: number
    errors: number
    timeouts: number
  }
  function autocannon(options: Options): Promise<Result>
  export default autocannon
}
