import type { Extension } from '@awell-health/extensions-core'
import { findAction } from '../cli/findAction'
import { runToResult } from '../cli/runResult'
import type { RunResult } from '../cli/types'
import { deriveDataPoint } from './deriveDataPoint'

export interface DemoStep {
  title: string
  target: string
  /** The fields as a designer configures them; `{{…}}` shows where a data point is inserted. */
  shownFields: Record<string, unknown>
  result: RunResult
}

interface DerivedDataPoint {
  from: string
  path: string
  value: unknown
}

export interface RoundTrip {
  steps: DemoStep[]
  derived: DerivedDataPoint[]
  /** The step that did not complete, if any. */
  failedStep: DemoStep | undefined
}

/**
 * The care flow of the demo, run through the real registry and handlers as the extension
 * runtime would: Fetch OAuth token → GET a Patient with that token → POST an Observation → a
 * FHIR search followed over its three pages → an athenahealth-style form write, then derived
 * data points read from responseBody with JSONPath, as Studio maps them.
 */
export const runRoundTrip = async (
  registry: readonly Extension[],
  settings: Record<string, string>,
  patientId: string,
): Promise<RoundTrip> => {
  const steps: DemoStep[] = []
  const run = async (
    title: string,
    target: string,
    fields: Record<string, unknown>,
    shownFields: Record<string, unknown>,
  ): Promise<DemoStep> => {
    const result = await runToResult({
      ref: findAction(registry, target),
      fields,
      settings,
      warn: () => undefined,
    })
    const step = { title, target, shownFields, result }
    steps.push(step)
    return step
  }
  const done = (failedStep?: DemoStep): RoundTrip => ({ steps, derived: [], failedStep })

  const token = await run('Fetch OAuth token', 'oauthApi/fetchOAuthToken', {}, {})
  if (token.result.status !== 'complete') return done(token)
  const accessToken = token.result.data_points.accessToken ?? ''
  const tokenExpiresAt = token.result.data_points.expiresAt ?? ''

  const read = await run(
    'Authenticated API call: read the patient',
    'oauthApi/authenticatedApiCall',
    { accessToken, tokenExpiresAt, method: 'GET', path: `/Patient/${patientId}` },
    {
      accessToken: '{{Fetch OAuth token · accessToken}}',
      tokenExpiresAt: '{{Fetch OAuth token · expiresAt}}',
      method: 'GET',
      path: `/Patient/${patientId}`,
    },
  )
  if (read.result.status !== 'complete') return done(read)

  const observation = {
    resourceType: 'Observation',
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }] },
    subject: { reference: `Patient/${patientId}` },
    valueQuantity: {
      value: 72,
      unit: 'beats/minute',
      system: 'http://unitsofmeasure.org',
      code: '/min',
    },
  }
  const write = await run(
    'Authenticated API call: record an observation',
    'oauthApi/authenticatedApiCall',
    { accessToken, method: 'POST', path: '/Observation', body: JSON.stringify(observation) },
    {
      accessToken: '{{Fetch OAuth token · accessToken}}',
      method: 'POST',
      path: '/Observation',
      body: observation,
    },
  )
  if (write.result.status !== 'complete') return done(write)

  const searchFields = {
    method: 'GET',
    path: '/Observation',
    query: { patient: patientId },
    bodyFormat: 'fhir+json',
    maxPages: 5,
  }
  const search = await run(
    'Authenticated API call: every heart rate, page by page',
    'oauthApi/authenticatedApiCall',
    { accessToken, ...searchFields, query: JSON.stringify(searchFields.query) },
    { accessToken: '{{Fetch OAuth token · accessToken}}', ...searchFields },
  )
  if (search.result.status !== 'complete') return done(search)

  // athenahealth's write endpoints take form bodies, not JSON.
  const booking = { patientid: patientId, appointmenttypeid: 82, reason: 'follow-up' }
  const bookFields = { method: 'PUT', path: '/appointments/1001', bodyFormat: 'form' }
  const book = await run(
    'Authenticated API call: book an appointment (a form body, athenahealth-style)',
    'oauthApi/authenticatedApiCall',
    { accessToken, ...bookFields, body: JSON.stringify(booking) },
    { accessToken: '{{Fetch OAuth token · accessToken}}', ...bookFields, body: booking },
  )
  if (book.result.status !== 'complete') return done(book)

  const derived = [
    { from: read, path: '$.name[0].family' },
    { from: read, path: '$.birthDate' },
    { from: write, path: '$.id' },
    { from: search, path: '$.total' },
    { from: search, path: '$.entry[*].resource.valueQuantity.value' },
    { from: book, path: '$[0].appointmentstatus' },
  ].map(({ from, path }) => ({
    from: from.title,
    path,
    value: deriveDataPoint(from.result.data_points.responseBody ?? 'null', path),
  }))
  return { steps, derived, failedStep: undefined }
}
