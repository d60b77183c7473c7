import type {
  ActivityEvent,
  Helpers,
  NewActivityPayload,
  OnCompleteCallback,
  OnErrorCallback,
} from '@awell-health/extensions-core'
import { describeFailure } from './describeFailure'
import { errorEvent } from './events'
import { Redactor } from '../secrets/redactor'
import { tokenDataPoint, type TokenOutput } from './tokenDataPoint'
import { stepsOfRun, type StartStep } from './startStep'

export interface RunContext {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- fields are validated by each action's schema
  payload: NewActivityPayload<any, any>
  /** Knows this run's secrets; every text that leaves the run is scrubbed with it. */
  redactor: Redactor
  /** The runtime's helpers (e.g. `rateLimiter`); may lack some outside the Awell runtime. */
  helpers: Helpers | undefined
  /** Starts a step with its deadline, which ends with the run (see startStep.ts). */
  startStep: StartStep
}

/** helpers.log, scrubbed, and never throwing. */
type SafeLog = (data: Record<string, unknown>, message: string) => void

/** The one data point that may carry the token (in `token` mode). */
const TOKEN_DATA_POINT = 'accessToken'

export interface ActionOutcome<DPKeys extends string> {
  /** Every data point but accessToken, which is made from `token`. */
  data_points: Partial<Record<Exclude<DPKeys, typeof TOKEN_DATA_POINT>, string | null | undefined>>
  events: ActivityEvent[]
  /** The token the step obtained or sent: it becomes the accessToken data point (tokenDataPoint.ts). */
  token?: typeof TOKEN_DATA_POINT extends DPKeys ? TokenOutput : never
}

export interface OnEventOptions<DPKeys extends string> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- fields are validated by each action's schema
  payload: NewActivityPayload<any, any>
  onComplete: OnCompleteCallback<DPKeys>
  onError: OnErrorCallback
  helpers: Helpers
  attempt: number
}

/**
 * Wraps an action's work so that every run ends in exactly one onComplete or onError, nothing
 * throws past the handler, and no secret leaves in an event, a log line or a data point other
 * than `accessToken` in `token` mode.
 */
export const onEventSafely =
  <DPKeys extends string>(
    actionKey: string,
    work: (context: RunContext) => Promise<ActionOutcome<DPKeys>>,
  ) =>
  async ({ payload, onComplete, onError, helpers }: OnEventOptions<DPKeys>): Promise<void> => {
    const redactor = new Redactor()
    const log = safeLogger(helpers, redactor, actionKey)
    const steps = stepsOfRun(redactor)
    let outcome: ActionOutcome<DPKeys>
    try {
      outcome = await work({ payload, redactor, helpers, startStep: steps.startStep })
    } catch (error) {
      steps.end()
      const failure = describeFailure(error, steps.connection())
      const message = redactor.scrub(failure.message)
      log({ category: failure.category, code: failure.code, expected: failure.expected }, message)
      await settle(() => onError({ events: [errorEvent(failure.category, message)] }), log)
      return
    }
    steps.end()
    const scrubbed = scrubOutcome(outcome, redactor)
    await settle(() => onComplete(scrubbed), log)
  }

/**
 * Every data point and event scrubbed of the run's secrets; then the accessToken data point made
 * from the outcome's token — the one value not scrubbed, and only the token in `token` mode (a
 * reference otherwise). A token put among the other data points would be scrubbed.
 */
const scrubOutcome = <DPKeys extends string>(
  outcome: ActionOutcome<DPKeys>,
  redactor: Redactor,
): { data_points: Partial<Record<DPKeys, string | null | undefined>>; events: ActivityEvent[] } => {
  const data_points: Partial<Record<string, string | null | undefined>> = {}
  const given: Partial<Record<string, string | null | undefined>> = outcome.data_points
  for (const key of Object.keys(given)) {
    const value = given[key]
    // The house guide: a data point without a value is left out, not sent as undefined.
    if (value === undefined) continue
    data_points[key] = typeof value === 'string' ? redactor.scrub(value) : value
  }
  if (outcome.token !== undefined) data_points[TOKEN_DATA_POINT] = tokenDataPoint(outcome.token)
  const events = outcome.events.map((event) => scrubEvent(event, redactor))
  // DPKeys are the action's declared data point keys; the ones set here are among them.
  return { data_points, events }
}

const scrubEvent = (event: ActivityEvent, redactor: Redactor): ActivityEvent => ({
  ...event,
  text: scrubTexts(event.text, redactor),
  ...(event.error !== undefined
    ? { error: { ...event.error, message: redactor.scrub(event.error.message) } }
    : {}),
})

/** An event's text in each language, scrubbed. */
const scrubTexts = (texts: Record<string, string>, redactor: Redactor): Record<string, string> => {
  const scrubbed: Record<string, string> = {}
  for (const lang of Object.keys(texts)) scrubbed[lang] = redactor.scrub(texts[lang])
  return scrubbed
}

/** The platform's callback is called once; if it fails itself, that is logged, not retried. */
const settle = async (callback: () => Promise<void>, log: SafeLog): Promise<void> => {
  try {
    await callback()
  } catch (error) {
    log({ callbackFailed: true }, describeFailure(error).message)
  }
}

const safeLogger =
  (helpers: Helpers, redactor: Redactor, actionKey: string): SafeLog =>
  (data, message) => {
    try {
      // Each string scrubbed before the data is serialized (see scrubStrings).
      const scrubbedData = scrubStrings(data, redactor) as Record<string, unknown>
      helpers?.log?.(
        { extension: 'oauthApi', action: actionKey, ...scrubbedData },
        redactor.scrub(message),
      )
    } catch {
      // Logging must never change how a run ends.
    }
  }

/**
 * Every string in log data scrubbed where it is, not in the data's JSON text: there a secret a
 * server echoed as `\/` would be escaped once more (`\\/`) and no longer be one of its forms.
 */
const scrubStrings = (value: unknown, redactor: Redactor, depth = 0): unknown => {
  if (typeof value === 'string') return redactor.scrub(value)
  if (value === null || typeof value !== 'object' || depth > 8) {
    return typeof value === 'object' && value !== null ? '[…]' : value
  }
  if (Array.isArray(value)) return value.map((item) => scrubStrings(item, redactor, depth + 1))
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      redactor.scrub(key),
      scrubStrings(item, redactor, depth + 1),
    ]),
  )
}
