// Calls the extension's actions the way the Awell runtime does: through the registry, onEvent
// with a full payload (devkit/payload.ts), plain async onComplete/onError callbacks and helpers.
// Not through devkit/runAction.ts, which also records every callback and log line and describes
// the run for the tests: that is the harness's work, not the action's, and the bench measures
// the action.

import type { ActivityEvent } from '@awell-health/extensions-core'
import { extensions } from '../extensions'
import { createLocalHelpers } from '../devkit/localHelpers'
import { buildPayload } from '../devkit/payload'
import type { AnyAction, DataPoints } from '../devkit/runAction'

export interface BenchSettings {
  tokenUrl: string
  clientId: string
  clientSecret: string
  apiBaseUrl: string
  scope?: string
}

const extension = extensions.find((candidate) => candidate.key === 'oauthApi')
if (extension === undefined) throw new Error('the registry has no oauthApi extension')
const actions = extension.actions as Record<string, AnyAction | undefined>

/** Whether the registry has the action (the bench measures actions added later once they exist). */
export const hasAction = (key: string): boolean => actions[key]?.onEvent !== undefined

const actionByKey = (key: string): AnyAction => {
  const action = actions[key]
  if (action?.onEvent === undefined) throw new Error(`oauthApi has no action ${key}`)
  return action
}

/** The run's data points; a run that did not complete stops the benchmark (it would skew it). */
export const completed = async (
  key: string,
  fields: Record<string, unknown>,
  settings: BenchSettings,
): Promise<DataPoints> => {
  let dataPoints: DataPoints | undefined
  let failure: string | undefined
  let calls = 0
  await actionByKey(key).onEvent?.({
    payload: buildPayload(fields, settings),
    onComplete: (params?: { data_points?: DataPoints }) => {
      calls++
      dataPoints = params?.data_points ?? {}
      return Promise.resolve()
    },
    onError: (params?: { events?: ActivityEvent[] }) => {
      calls++
      failure = params?.events?.find((event) => event.error !== undefined)?.error?.message ?? ''
      return Promise.resolve()
    },
    helpers,
    attempt: 1,
  })
  if (calls !== 1) throw new Error(`${key} called onComplete/onError ${calls} times, not once`)
  if (failure !== undefined) {
    throw new Error(`${key} failed: ${failure || 'onError without an error event'}`)
  }
  return dataPoints ?? {}
}

/** The runtime's helpers as the local runner has them (log discards). */
const helpers = createLocalHelpers()

export const fetchOAuthToken = (fields: Record<string, unknown>, settings: BenchSettings) =>
  completed('fetchOAuthToken', fields, settings)

export const authenticatedApiCall = (fields: Record<string, unknown>, settings: BenchSettings) =>
  completed('authenticatedApiCall', fields, settings)
