// Calls the extension's actions the way the Awell runtime does (devkit/runAction.ts): through
// the registry, with a full payload, plain async onComplete/onError callbacks and helpers.log.

import { extensions } from '../extensions'
import { runAction, type AnyAction, type DataPoints } from '../devkit/runAction'

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
  const run = await runAction(actionByKey(key), fields, settings)
  if (run.thrown !== undefined) throw run.thrown.value
  if (run.outcome === 'none') throw new Error(`${key} ended without onComplete or onError`)
  if (run.outcome !== 'complete') {
    throw new Error(`${key} failed: ${run.message || 'onError without an error event'}`)
  }
  return run.dataPoints
}

export const fetchOAuthToken = (fields: Record<string, unknown>, settings: BenchSettings) =>
  completed('fetchOAuthToken', fields, settings)

export const authenticatedApiCall = (fields: Record<string, unknown>, settings: BenchSettings) =>
  completed('authenticatedApiCall', fields, settings)
