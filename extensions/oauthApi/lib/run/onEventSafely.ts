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

export interface ActionOutcome<DPKeys extends string> {
  data_points: Partial<Record<DPKeys, string | null | undefined>>
  events: ActivityEvent[]
}

export interface OnEventOptions<DPKeys extends string> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- fields are validated by each action's schema
  payload: NewActivityPayload<any, any>
  onComplete: OnCompleteCallback<DPKeys>
  onError: OnErrorCallback
  helpers: Helpers
  attempt: number
}

/** Data points that carry the token on purpose; every other value is scrubbed. */
const TOKEN_DATA_POINTS = new Set(['accessToken'])

/**
 * Wraps an action's work so that every run ends in exactly one onComplete or onError, nothing
 * throws past the handler, and no secret leaves in an event, a log line or a data point other
 * than `accessToken`.
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
      const failure = describeFailure(error)
      const message = redactor.scrub(failure.message)
      log({ category: failure.category, code: failure.code, expected: failure.expected }, message)
      await settle(() => onError({ events: [errorEvent(failure.category, message)] }), log)
      return
    }
    steps.end()
    const scrubbed = scrubOutcome(outcome, redactor)
    await settle(() => onComplete(scrubbed), log)
  }

const scrubOutcome = <DPKeys extends string>(
  outcome: ActionOutcome<DPKeys>,
  redactor: Redactor,
): ActionOutcome<DPKeys> => {
  const data_points: Partial<Record<DPKeys, string | null | undefined>> = {}
  for (const [key, value] of Object.entries(outcome.data_points) as Array<
    [DPKeys, string | null | undefined]
  >) {
    data_points[key] =
      typeof value === 'string' && !TOKEN_DATA_POINTS.has(key) ? redactor.scrub(value) : value
  }
  const events = outcome.events.map((event) => scrubEvent(event, redactor))
  return { data_points, events }
}

const scrubEvent = (event: ActivityEvent, redactor: Redactor): ActivityEvent => ({
  ...event,
  text: Object.fromEntries(
    Object.entries(event.text).map(([lang, text]) => [lang, redactor.scrub(text)]),
  ),
  ...(event.error !== undefined
    ? { error: { ...event.error, message: redactor.scrub(event.error.message) } }
    : {}),
})

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
      const scrubbedData = JSON.parse(redactor.scrub(JSON.stringify(data))) as Record<
        string,
        unknown
      >
      helpers?.log?.(
        { extension: 'oauthApi', action: actionKey, ...scrubbedData },
        redactor.scrub(message),
      )
    } catch {
      // Logging must never change how a run ends.
    }
  }
