import type { ActivityEvent, Helpers } from '@awell-health/extensions-core'
import { createLocalHelpers } from '../devkit/localHelpers'
import { MissingHandlerError, runAction, type CallbackCall } from '../devkit/runAction'
import { thrownClassName } from './describeThrown'
import type { ActionRef } from './findAction'
import type { RunResult } from './types'

export interface RunToResultOptions {
  ref: ActionRef
  fields: Record<string, unknown>
  settings: Record<string, string>
  /** helpers.log of the run (the run records the calls in any case). */
  log?: Helpers['log']
  /** Receives problems worth telling the user about (e.g. a second onComplete call). */
  warn: (message: string) => void
  /** Receives whatever the handler threw, to show more detail in verbose mode. */
  onThrown?: (thrown: unknown) => void
}

const CALLBACK_NAMES: Record<CallbackCall['kind'], string> = {
  complete: 'onComplete',
  error: 'onError',
}

/** An event in the platform's shape describing a failure the handler did not report itself. */
function uncaughtEvent(message: string): ActivityEvent {
  return {
    date: new Date().toISOString(),
    text: { en: message },
    error: { category: 'SERVER_ERROR', message },
  }
}

function uncaughtResult(message: string): RunResult {
  return { status: 'uncaught', data_points: {}, events: [uncaughtEvent(message)] }
}

function messageForThrown(thrown: unknown): string {
  if (thrown instanceof MissingHandlerError) return thrown.message
  return (
    `The action threw ${thrownClassName(thrown)}; its message is not shown ` +
    'because it may contain secrets'
  )
}

/**
 * Runs the action's real handler once (devkit/runAction.ts) and reports how it ended:
 * 'complete' / 'error' from the first callback called, 'uncaught' if it threw first or
 * returned without calling either. Later callbacks are reported through `warn` as they happen.
 */
export async function runToResult(options: RunToResultOptions): Promise<RunResult> {
  const run = await runAction(options.ref.action, options.fields, options.settings, {
    helpers: createLocalHelpers(options.log),
    onCallback: (call, earlier) => {
      if (earlier === undefined) return
      options.warn(
        `${CALLBACK_NAMES[call.kind]} was called after the action had already ended with ` +
          `'${earlier.kind}'; reporting the first outcome`,
      )
    },
  })
  const [first] = run.callbacks
  const reported: RunResult | undefined = first && {
    status: first.kind,
    data_points: first.kind === 'complete' ? { ...first.dataPoints } : {},
    events: [...first.events],
  }
  if (run.thrown !== undefined) {
    const thrown = run.thrown.value
    options.onThrown?.(thrown)
    if (reported === undefined) return uncaughtResult(messageForThrown(thrown))
    options.warn(
      `the action threw ${thrownClassName(thrown)} after ending with '${reported.status}'`,
    )
    return reported
  }
  return reported ?? uncaughtResult('The action returned without calling onComplete or onError')
}
