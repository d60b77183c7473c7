// Calls the extension's actions the way the Awell runtime does: through the registry, with a
// full payload, plain async onComplete/onError callbacks and helpers.log.

import type { Action, Helpers } from '@awell-health/extensions-core'
import { extensions } from '../extensions'

export type DataPoints = Record<string, string | null | undefined>

export interface BenchSettings {
  tokenUrl: string
  clientId: string
  clientSecret: string
  apiBaseUrl: string
  scope?: string
}

export type RunOutcome = { ok: true; dataPoints: DataPoints } | { ok: false; message: string }

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any action of the registry
type AnyAction = Action<any, any, string>

const extension = extensions.find((candidate) => candidate.key === 'oauthApi')
if (extension === undefined) throw new Error('the registry has no oauthApi extension')

const actionByKey = (key: string): AnyAction => {
  const action = (extension.actions as Record<string, AnyAction>)[key]
  if (action?.onEvent === undefined) throw new Error(`oauthApi has no action ${key}`)
  return action
}

const helpers = { log: () => undefined } as unknown as Helpers

const pathway = { id: 'pw', definition_id: 'd', tenant_id: 't', org_slug: 'o', org_id: 'o' }

/** One action run; resolves with what onComplete or onError received. */
export const runAction = async (
  key: string,
  fields: Record<string, unknown>,
  settings: BenchSettings,
): Promise<RunOutcome> => {
  const action = actionByKey(key)
  let outcome: RunOutcome | undefined
  await action.onEvent!({
    payload: {
      fields,
      settings,
      patient: { id: 'p' },
      pathway,
      activity: { id: 'a' },
    } as unknown as Parameters<NonNullable<AnyAction['onEvent']>>[0]['payload'],
    onComplete: async (params) => {
      outcome = { ok: true, dataPoints: (params?.data_points ?? {}) as DataPoints }
    },
    onError: async (params) => {
      const message = params?.events?.[0]?.error?.message
      outcome = { ok: false, message: message ?? 'onError without an error event' }
    },
    helpers,
    attempt: 1,
  })
  if (outcome === undefined) throw new Error(`${key} ended without onComplete or onError`)
  return outcome
}

/** The run's data points; a run that ended in onError stops the benchmark (it would skew it). */
export const completed = async (
  key: string,
  fields: Record<string, unknown>,
  settings: BenchSettings,
): Promise<DataPoints> => {
  const outcome = await runAction(key, fields, settings)
  if (!outcome.ok) throw new Error(`${key} failed: ${outcome.message}`)
  return outcome.dataPoints
}

export const fetchOAuthToken = (fields: Record<string, unknown>, settings: BenchSettings) =>
  completed('fetchOAuthToken', fields, settings)

export const authenticatedApiCall = (fields: Record<string, unknown>, settings: BenchSettings) =>
  completed('authenticatedApiCall', fields, settings)
