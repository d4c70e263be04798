// `npm start` in a terminal: the roles' pino lines shown one short line each (a journey is a screen,
// not ~50 JSON lines), and a reminder of the start banner (URLs, demo account, mailbox) each time
// the log goes quiet, so it is never scrolled away when the user looks for it. Only on a TTY:
// anywhere else (containers, CI, pipes) the roles log JSON lines, as before.

interface LogLine {
  level?: number
  time?: number
  name?: string
  msg?: string
  reqId?: string
  req?: { method?: string; url?: string }
  res?: { statusCode?: number }
  responseTime?: number
  err?: { message?: string }
}

const levelNames: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' }
// Requests whose completion line is still to come; bounded, a request that never completes is dropped.
const maxOpenRequests = 1_000

export interface ConsoleOutput { write(text: string): unknown }
export type Schedule = (run: () => void, delayMs: number) => { cancel(): void }

const realSchedule: Schedule = (run, delayMs) => {
  const timer = setTimeout(run, delayMs)
  timer.unref()
  return { cancel: () => clearTimeout(timer) }
}

function clock(time: number | undefined): string {
  return new Date(time ?? 0).toISOString().slice(11, 19)
}

export function createDeveloperConsole(out: ConsoleOutput, options: { quietMs?: number; schedule?: Schedule } = {}) {
  const { quietMs = 1_500, schedule = realSchedule } = options
  const openRequests = new Map<string, string>()
  let reminder: string | undefined
  let pending: { cancel(): void } | undefined

  /** One pino JSON line as one short line; undefined for a line shown later (an incoming request). */
  function format(json: string): string | undefined {
    let line: LogLine
    try {
      line = JSON.parse(json) as LogLine
    } catch {
      return json.trimEnd()
    }
    const prefix = `${clock(line.time)} ${(line.name ?? '').padEnd(15)}`
    if (line.msg === 'incoming request' && line.reqId && line.req) {
      if (openRequests.size >= maxOpenRequests) openRequests.delete(openRequests.keys().next().value as string)
      openRequests.set(line.reqId, `${line.req.method} ${line.req.url}`)
      return undefined
    }
    if (line.msg === 'request completed' && line.reqId) {
      const request = openRequests.get(line.reqId) ?? '?'
      openRequests.delete(line.reqId)
      return `${prefix} ${request} → ${line.res?.statusCode} (${Math.round(line.responseTime ?? 0)} ms)`
    }
    const level = (line.level ?? 30) === 30 ? '' : ` ${levelNames[line.level ?? 30] ?? line.level}`
    const error = line.err?.message ? `: ${line.err.message}` : ''
    return `${prefix}${level} ${line.msg ?? ''}${error}`
  }

  return {
    /** pino's destination: one JSON line per call. */
    write(json: string) {
      const text = format(json)
      if (text !== undefined) out.write(`${text}\n`)
      if (reminder === undefined) return
      pending?.cancel()
      pending = schedule(() => out.write(reminder ?? ''), quietMs)
    },
    /** The text shown again whenever the log has been quiet for a moment after new lines. */
    remindAfterActivity(text: string) {
      reminder = text
    },
  }
}

/** The one console of this process, shared by every role it runs. */
export const developerConsole = createDeveloperConsole(process.stdout)
