/**
 * Runs an action once as the Awell runtime does — a NewActivityPayload, onComplete/onError
 * callbacks and helpers — and describes what the run emitted. This is the one runner behind the
 * `npm run cli -- run`, the demo, the fault and fuzz suites; the run is described by the
 * extension's test kit (extensions/oauthApi/__mocks__/oauthApiTestKit/runDescription.ts). It
 * does not depend on jest.
 */
import type { Helpers } from '@awell-health/extensions-core'
import {
  describeRun,
  paramsOf,
  type ActionRun,
  type AnyAction,
  type CallbackCall,
} from '../extensions/oauthApi/__mocks__/oauthApiTestKit/runDescription'
import { createLocalHelpers } from './localHelpers'
import { buildPayload } from './payload'

export type {
  ActionRun,
  AnyAction,
  CallbackCall,
  DataPoints,
} from '../extensions/oauthApi/__mocks__/oauthApiTestKit/runDescription'

export interface RunOptions {
  /** The helpers the handler gets; their `log` is called after the run has recorded the call. */
  helpers?: Helpers
  /** Told about every onComplete/onError call as it happens, with the first one, if any, before it. */
  onCallback?: (call: CallbackCall, earlier: CallbackCall | undefined) => void
}

/** Thrown (and recorded as `thrown`) when the action has neither onEvent nor onActivityCreated. */
export class MissingHandlerError extends Error {
  constructor() {
    super('The action has no onEvent handler')
    this.name = 'MissingHandlerError'
  }
}

/** The local helpers, made once: they hold no state of a run (log discards). */
const defaultHelpers = createLocalHelpers()

/**
 * Runs the action's handler once with a platform-shaped payload (see payload.ts) and resolves
 * with the description of the run; it never rejects because of the handler.
 */
export async function runAction(
  action: AnyAction,
  fields: unknown,
  settings: unknown,
  options: RunOptions = {},
): Promise<ActionRun> {
  const callbacks: CallbackCall[] = []
  const logs: unknown[][] = []
  const base = options.helpers ?? defaultHelpers
  const helpers: Helpers = {
    ...base,
    log: (...args) => {
      logs.push(args)
      base.log(...args)
    },
  }
  const record =
    (kind: CallbackCall['kind']) =>
    (...args: unknown[]): Promise<void> => {
      const params = paramsOf(args)
      const call = { kind, events: params.events ?? [], dataPoints: params.data_points ?? {}, args }
      const earlier = callbacks[0]
      callbacks.push(call)
      options.onCallback?.(call, earlier)
      return Promise.resolve()
    }
  const onComplete = record('complete')
  const onError = record('error')
  const payload = buildPayload(fields, settings)

  let thrown: ActionRun['thrown']
  const started = performance.now()
  try {
    if (action.onEvent !== undefined) {
      await action.onEvent({ payload, onComplete, onError, helpers, attempt: 1 })
    } else if (action.onActivityCreated !== undefined) {
      await action.onActivityCreated(payload, onComplete, onError)
    } else {
      throw new MissingHandlerError()
    }
  } catch (error) {
    thrown = { value: error }
  }
  const elapsedMs = performance.now() - started
  return describeRun(callbacks, logs, elapsedMs, thrown)
}
