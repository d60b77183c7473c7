import type {
  ActivityEvent,
  Helpers,
  OnCompleteCallback,
  OnErrorCallback,
} from '@awell-health/extensions-core'
import { buildPayload } from './buildPayload'
import { thrownClassName } from './describeThrown'
import type { ActionRef } from './findAction'
import type { RunResult, RunStatus } from './types'

export interface RunActionOptions {
  ref: ActionRef
  fields: Record<string, unknown>
  settings: Record<string, string>
  helpers: Helpers
  /** Receives problems worth telling the user about (e.g. a second onComplete call). */
  warn: (message: string) => void
  /** Receives whatever the handler threw, to show more detail in verbose mode. */
  onThrown?: (thrown: unknown) => void
}

interface OutcomeRecorder {
  onComplete: OnCompleteCallback
  onError: OnErrorCallback
  outcome: () => RunResult | undefined
}

const CALLBACK_NAMES: Record<Exclude<RunStatus, 'uncaught'>, string> = {
  complete: 'onComplete',
  error: 'onError',
}

/** Callbacks that keep the first outcome reported and warn about any later one. */
function createOutcomeRecorder(warn: (message: string) => void): OutcomeRecorder {
  let first: RunResult | undefined
  const record = (
    status: 'complete' | 'error',
    events: ActivityEvent[] | undefined,
    dataPoints: RunResult['data_points'] | undefined,
  ): void => {
    if (first !== undefined) {
      warn(
        `${CALLBACK_NAMES[status]} was called after the action had already ended with ` +
          `'${first.status}'; reporting the first outcome`,
      )
      return
    }
    first = { status, data_points: { ...dataPoints }, events: [...(events ?? [])] }
  }
  return {
    onComplete: async (params) => record('complete', params?.events, params?.data_points),
    onError: async (params) => record('error', params?.events, undefined),
    outcome: () => first,
  }
}

/** An event in the platform's shape describing a failure the handler did not report itself. */
export function uncaughtEvent(message: string): ActivityEvent {
  return {
    date: new Date().toISOString(),
    text: { en: message },
    error: { category: 'SERVER_ERROR', message },
  }
}

function uncaughtResult(message: string): RunResult {
  return { status: 'uncaught', data_points: {}, events: [uncaughtEvent(message)] }
}

class MissingHandlerError extends Error {}

async function invokeHandler(options: RunActionOptions, recorder: OutcomeRecorder): Promise<void> {
  const { action } = options.ref
  const payload = buildPayload(options.fields, options.settings)
  const { onComplete, onError } = recorder
  if (action.onEvent !== undefined) {
    await action.onEvent({ payload, onComplete, onError, helpers: options.helpers, attempt: 1 })
  } else if (action.onActivityCreated !== undefined) {
    await action.onActivityCreated(payload, onComplete, onError)
  } else {
    throw new MissingHandlerError()
  }
}

function messageForThrown(thrown: unknown): string {
  if (thrown instanceof MissingHandlerError) return 'The action has no onEvent handler'
  return (
    `The action threw ${thrownClassName(thrown)}; its message is not shown ` +
    'because it may contain secrets'
  )
}

/**
 * Runs the action's real handler once with a local payload and reports how it ended:
 * 'complete' / 'error' from the first callback called, 'uncaught' if it threw first or
 * returned without calling either.
 */
export async function runAction(options: RunActionOptions): Promise<RunResult> {
  const recorder = createOutcomeRecorder(options.warn)
  try {
    await invokeHandler(options, recorder)
  } catch (thrown) {
    options.onThrown?.(thrown)
    const reported = recorder.outcome()
    if (reported === undefined) return uncaughtResult(messageForThrown(thrown))
    options.warn(
      `the action threw ${thrownClassName(thrown)} after ending with '${reported.status}'`,
    )
    return reported
  }
  return (
    recorder.outcome() ??
    uncaughtResult('The action returned without calling onComplete or onError')
  )
}
