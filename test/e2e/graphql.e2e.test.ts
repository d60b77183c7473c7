/**
 * End to end: Authenticated GraphQL request, through the registry, against the real
 * authorization server (oidc-provider) and the sample API's GraphQL endpoint, which verifies the
 * JWT with jose and runs the document with graphql-js. Also the CLI's describe and run.
 */
import type { ActionDescription } from '../../cli/describeAction'
import { runCli } from '../../cli/runCli'
import type { RunResult } from '../../cli/types'
import { deriveDataPoint } from '../../demo/deriveDataPoint'
import { extensions } from '../../extensions'
import { clearCaches } from '../../extensions/oauthApi/lib/oauth/caches'
import {
  errorOf,
  expectNoSecrets,
  runAction,
} from '../../extensions/oauthApi/__mocks__/oauthApiTestKit/actionRun'
import { GRAPHQL_PATH } from '../../servers/graphqlApi'
import { startLocalServers, type LocalServers } from '../../servers/startLocalServers'
import { makeTempDir } from '../cli/runCliForTest'

const { fetchOAuthToken, authenticatedGraphqlRequest } = extensions[0].actions

const GET_PATIENT = `query GetPatient($id: ID!) {
  patient(id: $id) { id first_name last_name dob }
}`
const CREATE_PATIENT = `mutation CreatePatient($input: CreatePatientInput!) {
  createPatient(input: $input) { patient { id first_name last_name } }
}`

let servers: LocalServers
beforeAll(async () => {
  servers = await startLocalServers()
})
afterAll(async () => {
  await servers?.stop()
})
beforeEach(() => clearCaches())

const requestsDuring = async (
  work: () => Promise<void>,
): Promise<{ tokenRequests: number; apiRequests: number }> => {
  const before = await servers.stats()
  await work()
  const after = await servers.stats()
  return {
    tokenRequests: after.tokenRequests - before.tokenRequests,
    apiRequests: after.apiRequests - before.apiRequests,
  }
}

describe('Authenticated GraphQL request against a GraphQL endpoint with JWT checks', () => {
  it('a query by id returns data, read with JSONPath as Studio derives data points', async () => {
    const settings = servers.settingsFor('basic')
    const token = await runAction(fetchOAuthToken, {}, settings)
    const run = await runAction(
      authenticatedGraphqlRequest,
      {
        accessToken: token.dataPoints.accessToken,
        tokenExpiresAt: token.dataPoints.expiresAt,
        path: GRAPHQL_PATH,
        query: GET_PATIENT,
        variables: '{"id": "example"}',
      },
      settings,
    )
    expect(run.outcome).toBe('complete')
    expect(run.dataPoints).toMatchObject({ statusCode: '200', errors: null })
    expect(deriveDataPoint(run.dataPoints.data as string, '$.patient.first_name')).toBe('Peter')
    expect(deriveDataPoint(run.dataPoints.data as string, '$.patient.dob')).toBe('1974-12-25')
    expectNoSecrets(run, [settings.clientSecret, token.dataPoints.accessToken as string])
  })

  it('a mutation creates a record, sent once; a query then finds it', async () => {
    const settings = servers.settingsFor('post')
    let created = ''
    const sent = await requestsDuring(async () => {
      const run = await runAction(
        authenticatedGraphqlRequest,
        {
          path: GRAPHQL_PATH,
          query: CREATE_PATIENT,
          variables: { input: { first_name: 'Ada', last_name: 'Lovelace' } },
        },
        settings,
      )
      expect(run.outcome).toBe('complete')
      expect(run.events[0].text.en).toMatch(/^Mutation CreatePatient: POST \/fhir\/\$graphql/)
      created = String(deriveDataPoint(run.dataPoints.data as string, '$.createPatient.patient.id'))
    })
    expect(sent).toEqual({ tokenRequests: 1, apiRequests: 1 })
    const read = await runAction(
      authenticatedGraphqlRequest,
      { path: GRAPHQL_PATH, query: GET_PATIENT, variables: { id: created } },
      settings,
    )
    expect(deriveDataPoint(read.dataPoints.data as string, '$.patient.last_name')).toBe('Lovelace')
  })

  it('a field error fails the step, or completes with the errors data point when told', async () => {
    const settings = servers.settingsFor('basic')
    const fields = { path: GRAPHQL_PATH, query: GET_PATIENT, variables: { id: 'nobody' } }
    const failed = await runAction(authenticatedGraphqlRequest, fields, settings)
    expect(errorOf(failed)).toEqual({
      category: 'BAD_REQUEST',
      code: 'GRAPHQL_ERRORS',
      message:
        'The API answered HTTP 200 to POST /fhir/$graphql with 1 GraphQL error: "Patient nobody is not known" (path patient; at line 2, column 3; code NOT_FOUND)',
    })

    const branched = await runAction(
      authenticatedGraphqlRequest,
      { ...fields, failOnGraphqlErrors: false },
      settings,
    )
    expect(branched.outcome).toBe('complete')
    expect(branched.dataPoints.data).toBe('{"patient":null}')
    expect(deriveDataPoint(branched.dataPoints.errors as string, '$[0].extensions.code')).toBe(
      'NOT_FOUND',
    )
  })

  it('a token that lacks the write scope gets a FORBIDDEN GraphQL error for a mutation', async () => {
    const settings = servers.settingsFor('readOnly')
    const run = await runAction(
      authenticatedGraphqlRequest,
      {
        path: GRAPHQL_PATH,
        query: CREATE_PATIENT,
        variables: { input: { first_name: 'Eve', last_name: 'Reader' } },
      },
      settings,
    )
    expect(run.code).toBe('GRAPHQL_ERRORS')
    expect(errorOf(run).category).toBe('BAD_REQUEST')
    expect(errorOf(run).message).toContain(
      '"the access token lacks the patient.write scope" (path createPatient; at line 2, column 3; code FORBIDDEN)',
    )
  })

  it('a syntax error sends nothing, not even a token request', async () => {
    const sent = await requestsDuring(async () => {
      const run = await runAction(
        authenticatedGraphqlRequest,
        { path: GRAPHQL_PATH, query: 'query { patient(id: "example") { first_name }' },
        servers.settingsFor('basic'),
      )
      expect(errorOf(run)).toEqual({
        category: 'WRONG_INPUT',
        code: 'INVALID_FIELD',
        message:
          'Field "query": is not a valid GraphQL document: Syntax Error: Expected Name, found <EOF>. (line 1, column 46)',
      })
    })
    expect(sent).toEqual({ tokenRequests: 0, apiRequests: 0 })
  })

  it('a document the server cannot validate: HTTP 400 (application/graphql-response+json), its errors quoted', async () => {
    const run = await runAction(
      authenticatedGraphqlRequest,
      { path: GRAPHQL_PATH, query: '{ patient(id: "example") { shoe_size } }' },
      servers.settingsFor('basic'),
    )
    expect(run.code).toBe('API_CLIENT_ERROR')
    expect(errorOf(run).message).toBe(
      'The API answered HTTP 400 to POST /fhir/$graphql. 1 GraphQL error: "Cannot query field \\"shoe_size\\" on type \\"Patient\\"." (at line 1, column 28)',
    )
  })

  it('a token the API refuses (401 invalid_token) is renewed once, and the query sent again', async () => {
    const settings = servers.settingsFor('basic')
    const sent = await requestsDuring(async () => {
      const run = await runAction(
        authenticatedGraphqlRequest,
        {
          accessToken: 'not-a-valid-jwt',
          path: GRAPHQL_PATH,
          query: GET_PATIENT,
          variables: { id: 'example' },
        },
        settings,
      )
      expect(run.outcome).toBe('complete')
      expect(run.dataPoints.tokenRefreshed).toBe('true')
      expect(run.events[0].text.en).toContain('(token renewed after HTTP 401)')
    })
    expect(sent).toEqual({ tokenRequests: 1, apiRequests: 2 })
  })
})

describe('the CLI', () => {
  const cli = async (argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
    let stdout = ''
    let stderr = ''
    const code = await runCli(argv, {
      registry: extensions,
      env: {},
      cwd: makeTempDir(),
      stdout: (text) => (stdout += text),
      stderr: (text) => (stderr += text),
    })
    return { code, stdout, stderr }
  }

  it('describe oauthApi/authenticatedGraphqlRequest lists its fields and data points', async () => {
    const { code, stdout } = await cli([
      'describe',
      'oauthApi/authenticatedGraphqlRequest',
      '--json',
    ])
    expect(code).toBe(0)
    const description = JSON.parse(stdout) as ActionDescription
    expect(description.title).toBe('Authenticated GraphQL request')
    expect(description.fields.map((field) => [field.id, field.type, field.required])).toEqual([
      ['query', 'text', true],
      ['variables', 'json', false],
      ['operationName', 'text', false],
      ['path', 'text', false],
      ['accessToken', 'text', false],
      ['tokenExpiresAt', 'text', false],
      ['renewOnStatus', 'text', false],
      ['headers', 'json', false],
      ['failOnGraphqlErrors', 'boolean', false],
      ['connection', 'text', false],
    ])
    expect(description.dataPoints).toEqual([
      { key: 'data', valueType: 'json' },
      { key: 'errors', valueType: 'json' },
      { key: 'statusCode', valueType: 'number' },
      { key: 'accessToken', valueType: 'string' },
      { key: 'tokenRefreshed', valueType: 'boolean' },
    ])
  })

  it('run oauthApi/authenticatedGraphqlRequest completes against the local servers', async () => {
    const settings = servers.settingsFor('basic')
    const { code, stdout, stderr } = await cli([
      'run',
      'oauthApi/authenticatedGraphqlRequest',
      '--fields',
      JSON.stringify({ path: GRAPHQL_PATH, query: GET_PATIENT, variables: { id: 'example' } }),
      '--settings',
      JSON.stringify(settings),
      '--json',
    ])
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' })
    const result = JSON.parse(stdout) as RunResult
    expect(result.status).toBe('complete')
    expect(JSON.parse(result.data_points.data as string)).toMatchObject({
      patient: { first_name: 'Peter' },
    })
    expect(stdout).not.toContain(settings.clientSecret)
  })
})
