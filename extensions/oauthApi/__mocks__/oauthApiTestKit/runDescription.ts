/**
 * What one run of an action emitted, described for assertions and for the local runner: the
 * onComplete/onError calls in order, the log lines, the error event's category and message, and
 * everything that left the run as JSON text (for the secret checks). No jest here: the devkit
 * runner (top-level devkit/runAction.ts) describes its runs with it too.
 */
import type { Action, ActivityEvent } from '@awell-health/extensions-core'

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any action of any extension
export type AnyAction = Action<any, any, any>

export type DataPoints = Record<string, string | null | undefined>

/** 'both' means more than one onComplete/onError call in all (whichever they were). */
type Outcome = 'complete' | 'error' | 'none' | 'both'

/** One onComplete or onError call, in the order they came. */
export interface CallbackCall {
  kind: 'complete' | 'error'
  events: ActivityEvent[]
  dataPoints: DataPoints
  /** The arguments as the callback received them. */
  args: unknown[]
}

export interface ActionRun {
  outcome: Outcome
  /** onComplete + onError calls in all; the contract is exactly 1. */
  calls: number
  callbacks: CallbackCall[]
  /** The events and data points of the first onComplete call, else of the first onError call. */
  events: ActivityEvent[]
  dataPoints: DataPoints
  /** The arguments of every helpers.log call. */
  logs: unknown[][]
  elapsedMs: number
  /** The error event's category and message ('' when there is none). */
  category: string | undefined
  message: string
  /** `code` of the first helpers.log call whose data object has a string `code`. */
  code: string | undefined
  /** What the handler threw, if it threw (the run is described all the same). */
  thrown: { value: unknown } | undefined
  /**
   * Everything that left the run as JSON text — all onComplete/onError arguments except the
   * accessToken data point, and all log calls — for the secret checks. Computed on first read.
   */
  readonly emitted: string
}

interface CallbackParams {
  events?: ActivityEvent[]
  data_points?: DataPoints
}

export const paramsOf = (args: unknown[]): CallbackParams => {
  const [params] = args
  return typeof params === 'object' && params !== null ? params : {}
}

const codeOf = (logArgs: unknown[]): string | undefined => {
  const data = logArgs[0]
  if (typeof data !== 'object' || data === null) return undefined
  const code = (data as { code?: unknown }).code
  return typeof code === 'string' ? code : undefined
}

/** The callback arguments with the accessToken data point left out (it is the action's output). */
const withoutToken = (args: unknown[]): unknown[] =>
  args.map((arg) => {
    const params = arg as CallbackParams | undefined
    if (params?.data_points === undefined) return arg
    return { ...params, data_points: { ...params.data_points, accessToken: '(excluded)' } }
  })

export const describeRun = (
  callbacks: CallbackCall[],
  logs: unknown[][],
  elapsedMs: number,
  thrown: ActionRun['thrown'],
): ActionRun => {
  const calls = callbacks.length
  // One call is the contract and the common case: no filtering for it.
  const firstComplete =
    calls === 1
      ? callbacks[0].kind === 'complete'
        ? callbacks[0]
        : undefined
      : callbacks.find((call) => call.kind === 'complete')
  const outcome: Outcome =
    calls > 1 ? 'both' : firstComplete !== undefined ? 'complete' : calls === 1 ? 'error' : 'none'
  const first = paramsOf((firstComplete ?? callbacks[0])?.args ?? [])
  const events = first.events ?? []
  const errorEvent = events.find((event) => event.error !== undefined)
  let code: string | undefined
  for (const args of logs) {
    code = codeOf(args)
    if (code !== undefined) break
  }
  let emitted: string | undefined
  return {
    outcome,
    calls,
    callbacks,
    events,
    dataPoints: first.data_points ?? {},
    logs,
    elapsedMs,
    category: errorEvent?.error?.category,
    message: errorEvent?.error?.message ?? '',
    code,
    thrown,
    get emitted() {
      emitted ??= JSON.stringify({
        completes: callbacks
          .filter((call) => call.kind === 'complete')
          .map((call) => withoutToken(call.args)),
        errors: callbacks
          .filter((call) => call.kind === 'error')
          .map((call) => withoutToken(call.args)),
        logs,
      })
      return emitted
    },
  }
}
