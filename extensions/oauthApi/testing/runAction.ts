/**
 * Runs an action of this extension as the runtime does (TestHelpers.fromAction's jest mocks for
 * the callbacks and helpers) and collects what the care flow would see. For tests only.
 */
import { TestHelpers, type Action, type ActivityEvent } from '@awell-health/extensions-core'

export interface ActionRun {
  outcome: 'complete' | 'error' | 'none' | 'both'
  calls: number
  dataPoints: Record<string, string | null | undefined>
  events: ActivityEvent[]
  /** Everything that left the run: callbacks' arguments and log lines, as JSON text. */
  emitted: string
}

export const runAction = async (
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any action of this extension
  action: Action<any, any>,
  fields: unknown,
  settings: unknown,
): Promise<ActionRun> => {
  const { extensionAction, onComplete, onError, helpers } = TestHelpers.fromAction(action)
  await extensionAction.onEvent({
    payload: {
      fields,
      settings,
      patient: { id: 'patient-1' },
      pathway: {
        id: 'pathway-1',
        definition_id: 'def-1',
        tenant_id: 't',
        org_slug: 'org',
        org_id: 'org',
      },
      activity: { id: 'activity-1' },
    } as never,
    onComplete,
    onError,
    helpers,
    attempt: 1,
  })
  const completes = onComplete.mock.calls.length
  const errors = onError.mock.calls.length
  const args = (completes > 0 ? onComplete.mock.calls[0][0] : onError.mock.calls[0]?.[0]) ?? {}
  return {
    outcome:
      completes + errors > 1
        ? 'both'
        : completes === 1
          ? 'complete'
          : errors === 1
            ? 'error'
            : 'none',
    calls: completes + errors,
    dataPoints: args.data_points ?? {},
    events: args.events ?? [],
    emitted: JSON.stringify({
      events: args.events,
      data_points: { ...args.data_points, accessToken: undefined },
      logs: (helpers.log as jest.Mock).mock.calls,
    }),
  }
}

/** The category and text of the run's error event. */
export const errorOf = (run: ActionRun): { category: string | undefined; message: string } => {
  const event = run.events.find((candidate) => candidate.error !== undefined)
  return { category: event?.error?.category, message: event?.error?.message ?? '' }
}
