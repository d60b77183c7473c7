import type { Extension } from '@awell-health/extensions-core'
import { findAction } from '../cli/findAction'
import { runToResult } from '../cli/runResult'
import type { RunResult } from '../cli/types'
import { GRAPHQL_PATH } from '../servers/graphqlApi'
import { deriveDataPoint } from './deriveDataPoint'

export interface DemoStep {
  title: string
  target: string
  /** What the step sends, for the summary: "GET /Patient/example", "GraphQL query GetPatient". */
  request: string
  /** The fields as a designer configures them; `{{…}}` shows where a data point is inserted. */
  shownFields: Record<string, unknown>
  result: RunResult
}

interface DerivedDataPoint {
  from: string
  /** The json data point read: responseBody (REST) or data (GraphQL). */
  dataPoint: string
  path: string
  value: unknown
}

export interface RoundTrip {
  steps: DemoStep[]
  derived: DerivedDataPoint[]
  /** The step that did not complete, if any. */
  failedStep: DemoStep | undefined
}

const GET_PATIENT = `query GetPatient($id: ID!) {
  patient(id: $id) { id first_name last_name dob }
}`

const CREATE_PATIENT = `mutation CreatePatient($input: CreatePatientInput!) {
  createPatient(input: $input) { patient { id first_name last_name } }
}`

/**
 * The care flow of the demo, run through the real registry and handlers as the extension
 * runtime would: Fetch OAuth token → GET a Patient with that token → POST an Observation → a
 * GraphQL query for the patient → a GraphQL mutation creating one → a FHIR search followed over
 * its three pages → an athenahealth-style form write → the Check OAuth connection a designer runs
 * from Studio's preview while setting up (a fresh token, what was granted, the clock skew, a
 * GET /metadata with the token), then derived data points read from responseBody and data with
 * JSONPath, as Studio maps them.
 */
export const runRoundTrip = async (
  registry: readonly Extension[],
  settings: Record<string, string>,
  patientId: string,
  options: {
    /**
     * A named connection of the settings (another system): one more step reads the patient
     * there, with a token of its own from that connection's authorization server.
     */
    otherConnection?: string
  } = {},
): Promise<RoundTrip> => {
  const steps: DemoStep[] = []
  const run = async (
    title: string,
    target: string,
    request: string,
    fields: Record<string, unknown>,
    shownFields: Record<string, unknown>,
  ): Promise<DemoStep> => {
    const result = await runToResult({
      ref: findAction(registry, target),
      fields,
      settings,
      warn: () => undefined,
    })
    const step = { title, target, request, shownFields, result }
    steps.push(step)
    return step
  }
  const done = (failedStep?: DemoStep): RoundTrip => ({ steps, derived: [], failedStep })

  const token = await run('Fetch OAuth token', 'oauthApi/fetchOAuthToken', 'token request', {}, {})
  if (token.result.status !== 'complete') return done(token)
  const accessToken = token.result.data_points.accessToken ?? ''
  const tokenExpiresAt = token.result.data_points.expiresAt ?? ''

  const read = await run(
    'Authenticated API call: read the patient',
    'oauthApi/authenticatedApiCall',
    `GET /Patient/${patientId}`,
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
    'POST /Observation',
    { accessToken, method: 'POST', path: '/Observation', body: JSON.stringify(observation) },
    {
      accessToken: '{{Fetch OAuth token · accessToken}}',
      method: 'POST',
      path: '/Observation',
      body: observation,
    },
  )
  if (write.result.status !== 'complete') return done(write)

  const query = await run(
    'Authenticated GraphQL request: read the patient',
    'oauthApi/authenticatedGraphqlRequest',
    'GraphQL query GetPatient',
    { accessToken, path: GRAPHQL_PATH, query: GET_PATIENT, variables: { id: patientId } },
    {
      accessToken: '{{Fetch OAuth token · accessToken}}',
      path: GRAPHQL_PATH,
      query: GET_PATIENT,
      variables: { id: patientId },
    },
  )
  if (query.result.status !== 'complete') return done(query)

  const newPatient = { first_name: 'Ada', last_name: 'Lovelace', dob: '1815-12-10' }
  const mutation = await run(
    'Authenticated GraphQL request: create a patient',
    'oauthApi/authenticatedGraphqlRequest',
    'GraphQL mutation CreatePatient',
    { path: GRAPHQL_PATH, query: CREATE_PATIENT, variables: { input: newPatient } },
    { path: GRAPHQL_PATH, query: CREATE_PATIENT, variables: { input: newPatient } },
  )
  if (mutation.result.status !== 'complete') return done(mutation)

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
    `GET /Observation?patient=${patientId} (up to 5 pages)`,
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
    'PUT /appointments/1001 (form)',
    { accessToken, ...bookFields, body: JSON.stringify(booking) },
    { accessToken: '{{Fetch OAuth token · accessToken}}', ...bookFields, body: booking },
  )
  if (book.result.status !== 'complete') return done(book)

  const { otherConnection } = options
  if (otherConnection !== undefined) {
    const fields = { connection: otherConnection, path: `/Patient/${patientId}` }
    const other = await run(
      `Authenticated API call on the "${otherConnection}" connection: the same patient in another system`,
      'oauthApi/authenticatedApiCall',
      `GET /Patient/${patientId} (${otherConnection})`,
      fields,
      fields,
    )
    if (other.result.status !== 'complete') return done(other)
  }

  const check = await run(
    'Check OAuth connection',
    'oauthApi/checkConnection',
    'connection check, GET /metadata',
    { path: '/metadata' },
    { path: '/metadata' },
  )
  if (check.result.status !== 'complete') return done(check)

  const derived = [
    { from: read, dataPoint: 'responseBody', path: '$.name[0].family' },
    { from: read, dataPoint: 'responseBody', path: '$.birthDate' },
    { from: write, dataPoint: 'responseBody', path: '$.id' },
    { from: query, dataPoint: 'data', path: '$.patient.first_name' },
    { from: mutation, dataPoint: 'data', path: '$.createPatient.patient.id' },
    { from: search, dataPoint: 'responseBody', path: '$.total' },
    { from: search, dataPoint: 'responseBody', path: '$.entry[*].resource.valueQuantity.value' },
    { from: book, dataPoint: 'responseBody', path: '$[0].appointmentstatus' },
  ].map(({ from, dataPoint, path }) => ({
    from: from.title,
    dataPoint,
    path,
    value: deriveDataPoint(from.result.data_points[dataPoint] ?? 'null', path),
  }))
  return { steps, derived, failedStep: undefined }
}
