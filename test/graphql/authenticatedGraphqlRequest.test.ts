import { createGraphqlEndpoint, type GraphqlEndpoint } from '../../servers/graphqlApi'
import {
  errorOf,
  expectNoSecrets,
  runAction,
  type ActionRun,
} from '../../extensions/oauthApi/__mocks__/oauthApiTestKit/actionRun'
import {
  useStubServer,
  type StubRequest,
} from '../../extensions/oauthApi/__mocks__/oauthApiTestKit/stubServer'
import { authenticatedGraphqlRequest } from '../../extensions/oauthApi/actions/authenticatedGraphqlRequest/authenticatedGraphqlRequest'

// The token endpoint and the GraphQL API: real servers on 127.0.0.1. The API checks the bearer
// token and runs the document with the reference executor (graphql-js, servers/graphqlApi.ts).
const auth = useStubServer()
const api = useStubServer()

const CLIENT_SECRET = 'client-secret-value-42'
const TOKEN = 'given-token-abcdef123456'
const READ_WRITE = new Set(['patient.read', 'patient.write'])

const settings = (
  overrides: Record<string, string | undefined> = {},
): Record<string, string | undefined> => ({
  tokenUrl: `${auth.origin}/token`,
  clientId: 'client-1',
  clientSecret: CLIENT_SECRET,
  apiBaseUrl: `${api.origin}/graphql`,
  ...overrides,
})

/** A token endpoint that counts its requests and hands out distinct tokens. */
const tokenEndpoint = (times = 5): { requests: () => number; issued: string[] } => {
  const issued: string[] = []
  auth.on(
    'POST',
    '/token',
    () => {
      const token = `fresh-token-${issued.length + 1}-${Math.random().toString(36).slice(2)}`
      issued.push(token)
      return [200, { access_token: token, token_type: 'Bearer', expires_in: 3600 }]
    },
    { times },
  )
  return { requests: () => issued.length, issued }
}

/**
 * A GraphQL endpoint behind a bearer check: the tokens it knows have scopes, any other gets 401
 * invalid_token (RFC 6750 §3.1); a known one has its request executed by graphql-js.
 */
const graphqlApi = (tokens: Map<string, ReadonlySet<string>>) => {
  const endpoint: GraphqlEndpoint = createGraphqlEndpoint({
    read: 'patient.read',
    write: 'patient.write',
  })
  return async (request: StubRequest): Promise<[number, unknown, Record<string, string>]> => {
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? ''
    const scopes = tokens.get(token)
    if (scopes === undefined) {
      return [
        401,
        { errors: [{ message: 'invalid access token' }] },
        { 'WWW-Authenticate': 'Bearer error="invalid_token"' },
      ]
    }
    const answer = await endpoint(request, scopes)
    return [answer.status, answer.body, answer.headers]
  }
}

const knownTokens = (...tokens: string[]) =>
  new Map<string, ReadonlySet<string>>(tokens.map((token) => [token, READ_WRITE]))

const GET_PATIENT = 'query GetPatient($id: ID!) { patient(id: $id) { id first_name last_name } }'
const CREATE_PATIENT =
  'mutation CreatePatient($input: CreatePatientInput!) { createPatient(input: $input) { patient { id first_name } } }'

const run = (fields: Record<string, unknown>, settingsOverrides = {}): Promise<ActionRun> =>
  runAction(authenticatedGraphqlRequest, fields, settings(settingsOverrides))

const bodyOf = (request: StubRequest): unknown => JSON.parse(request.body)

describe('authenticatedGraphqlRequest: the request', () => {
  it('POSTs the document and its variables (GraphQL over HTTP) and saves data, errors and status', async () => {
    const graphql = api.on('POST', '/graphql', graphqlApi(knownTokens(TOKEN)))
    const result = await run({
      accessToken: TOKEN,
      query: GET_PATIENT,
      variables: '{"id": "example"}',
      headers: { 'X-Tenant': 't1' },
    })
    expect(result.outcome).toBe('complete')
    const [request] = graphql.requests
    expect(request.url).toBe('/graphql')
    expect(request.headers).toMatchObject({
      authorization: `Bearer ${TOKEN}`,
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      'x-tenant': 't1',
    })
    expect(bodyOf(request)).toEqual({ query: GET_PATIENT, variables: { id: 'example' } })
    expect(result.dataPoints).toEqual({
      data: JSON.stringify({
        patient: { id: 'example', first_name: 'Peter', last_name: 'Chalmers' },
      }),
      errors: null,
      statusCode: '200',
      accessToken: TOKEN,
      tokenRefreshed: 'false',
    })
    expect(result.events[0].text.en).toBe(
      'Query GetPatient: POST /graphql answered HTTP 200 without GraphQL errors (token from the accessToken field).',
    )
    expect(result.emitted).not.toContain(TOKEN)
  })

  it('sends operationName when the document holds several operations, and runs that one', async () => {
    const graphql = api.on('POST', '/graphql', graphqlApi(knownTokens(TOKEN)))
    const result = await run({
      accessToken: TOKEN,
      query: `${GET_PATIENT}\n${CREATE_PATIENT}`,
      operationName: 'CreatePatient',
      variables: { input: { first_name: 'Ada', last_name: 'Lovelace' } },
    })
    expect(result.outcome).toBe('complete')
    expect(bodyOf(graphql.requests[0])).toMatchObject({ operationName: 'CreatePatient' })
    const data = JSON.parse(result.dataPoints.data as string) as {
      createPatient: { patient: { id: string; first_name: string } }
    }
    expect(data.createPatient.patient.first_name).toBe('Ada')
    expect(result.events[0].text.en).toMatch(/^Mutation CreatePatient: POST \/graphql/)
  })

  it('takes an empty path for the API base URL itself, and a path under it otherwise', async () => {
    const itself = api.on('POST', '/graphql', graphqlApi(knownTokens(TOKEN)))
    const under = api.on('POST', '/api/v2/graphql', graphqlApi(knownTokens(TOKEN)))
    const query = '{ patient(id: "example") { first_name } }'
    expect((await run({ accessToken: TOKEN, query, path: '' })).outcome).toBe('complete')
    expect(
      (
        await run(
          { accessToken: TOKEN, query, path: '/graphql' },
          { apiBaseUrl: `${api.origin}/api/v2` },
        )
      ).outcome,
    ).toBe('complete')
    expect(itself.requests.map((request) => request.url)).toEqual(['/graphql'])
    expect(under.requests.map((request) => request.url)).toEqual(['/api/v2/graphql'])
  })

  it('refuses a path outside the API base URL before any request', async () => {
    const result = await run({ accessToken: TOKEN, query: '{ a }', path: '/../admin' })
    expect(errorOf(result).category).toBe('WRONG_INPUT')
    expect(result.code).toBe('PATH_OUTSIDE_BASE')
    expect(errorOf(result).message).toMatch(/^Field "path": refused/)
    expect(api.requests).toHaveLength(0)
  })
})

describe('authenticatedGraphqlRequest: the document is parsed before anything is sent', () => {
  it.each([
    [
      'a syntax error',
      { query: '{ patient(id: "1") { first_name }' },
      'Field "query": is not a valid GraphQL document: Syntax Error: Expected Name, found <EOF>. (line 1, column 34)',
    ],
    ['an empty document', { query: '  ' }, 'Field "query": is required'],
    [
      'a schema definition',
      { query: 'type Patient { id: ID }' },
      'Field "query": holds a schema definition (ObjectTypeDefinition)',
    ],
    [
      'fragments without an operation',
      { query: 'fragment F on Patient { id }' },
      'Field "query": holds no operation (only fragments)',
    ],
    [
      'a subscription',
      { query: 'subscription { patientCreated { id } }' },
      'Field "query": a subscription cannot be run by a care-flow step',
    ],
    [
      'several operations without operationName',
      { query: `${GET_PATIENT}\n${CREATE_PATIENT}` },
      'Field "operationName": is required: the document holds 2 operations ("GetPatient", "CreatePatient")',
    ],
    [
      'an unknown operationName',
      { query: GET_PATIENT, operationName: 'GetPatients', variables: { id: '1' } },
      'Field "operationName": the document has no operation named "GetPatients" (it has "GetPatient")',
    ],
    [
      'an operationName that is not a GraphQL name',
      { query: GET_PATIENT, operationName: 'Get Patient' },
      'Field "operationName": must be a GraphQL name',
    ],
    [
      'variables that are an array',
      { query: GET_PATIENT, variables: '[1]' },
      'Field "variables": must be a JSON object of variable values by name',
    ],
    [
      'variables that are a string',
      { query: GET_PATIENT, variables: '"example"' },
      'Field "variables": must be a JSON object',
    ],
    [
      'variables that are not JSON',
      { query: GET_PATIENT, variables: '{id: 1}' },
      'Field "variables": is not valid JSON',
    ],
    [
      'a required variable without a value',
      { query: GET_PATIENT, variables: { id: null } },
      'Field "variables": has no value for $id, which the operation requires',
    ],
    [
      'a header that cannot be set',
      { query: GET_PATIENT, variables: { id: '1' }, headers: { Authorization: 'Basic x' } },
      'Field "headers": header "Authorization" cannot be set',
    ],
  ])('refuses %s with WRONG_INPUT naming the field', async (_case, fields, message) => {
    const result = await run({ accessToken: TOKEN, ...fields })
    expect(errorOf(result).category).toBe('WRONG_INPUT')
    expect(result.code).toBe(
      message.startsWith('Field "headers"') ? 'HEADER_REFUSED' : 'INVALID_FIELD',
    )
    expect(errorOf(result).message).toContain(message)
    expect(api.requests).toHaveLength(0)
    expect(auth.requests).toHaveLength(0)
  })

  it('refuses a document beyond the parser bound without parsing it all', async () => {
    const huge = `{ ${'a '.repeat(30_000)}}`
    const result = await run({ accessToken: TOKEN, query: huge })
    expect(result.code).toBe('INVALID_FIELD')
    expect(errorOf(result).message).toMatch(/^Field "query": is not a valid GraphQL document: /)
    expect(api.requests).toHaveLength(0)
  })
})

describe('authenticatedGraphqlRequest: GraphQL errors', () => {
  it('fails a 200 with errors as BAD_REQUEST, quoting the message, path and code', async () => {
    api.on('POST', '/graphql', graphqlApi(knownTokens(TOKEN)))
    const result = await run({
      accessToken: TOKEN,
      query: GET_PATIENT,
      variables: { id: 'nobody' },
    })
    expect(errorOf(result)).toEqual({
      category: 'BAD_REQUEST',
      code: 'GRAPHQL_ERRORS',
      message:
        'The API answered HTTP 200 to POST /graphql with 1 GraphQL error: "Patient nobody is not known" (path patient; at line 1, column 30; code NOT_FOUND)',
    })
  })

  it('completes with the errors data point when failOnGraphqlErrors is off', async () => {
    api.on('POST', '/graphql', graphqlApi(knownTokens(TOKEN)))
    const result = await run({
      accessToken: TOKEN,
      query: GET_PATIENT,
      variables: { id: 'nobody' },
      failOnGraphqlErrors: false,
    })
    expect(result.outcome).toBe('complete')
    expect(result.dataPoints.data).toBe('{"patient":null}')
    expect(JSON.parse(result.dataPoints.errors as string)).toEqual([
      {
        message: 'Patient nobody is not known',
        locations: [{ line: 1, column: 30 }],
        path: ['patient'],
        extensions: { code: 'NOT_FOUND' },
      },
    ])
    expect(result.events[0].text.en).toContain(
      'with 1 GraphQL error: "Patient nobody is not known" (path patient; at line 1, column 30; code NOT_FOUND), kept in the errors data point',
    )
  })

  it('fails a token that lacks the scope of a mutation (a FORBIDDEN GraphQL error)', async () => {
    const readOnly = new Map([[TOKEN, new Set(['patient.read'])]])
    api.on('POST', '/graphql', graphqlApi(readOnly))
    const result = await run({
      accessToken: TOKEN,
      query: CREATE_PATIENT,
      variables: { input: { first_name: 'Ada', last_name: 'Lovelace' } },
    })
    expect(result.code).toBe('GRAPHQL_ERRORS')
    expect(errorOf(result).message).toContain(
      '"the access token lacks the patient.write scope" (path createPatient; at line 1, column 55; code FORBIDDEN)',
    )
  })

  it('quotes at most three errors, each bounded, scrubbed of the token', async () => {
    api.on('POST', '/graphql', [
      200,
      {
        data: null,
        errors: Array.from({ length: 5 }, (_, index) => ({
          message: `error ${index} for token ${TOKEN} ${'x'.repeat(1000)}`,
          path: ['patients', index, 'name'],
        })),
      },
    ])
    const result = await run({ accessToken: TOKEN, query: '{ patients { name } }' })
    const { message } = errorOf(result)
    expect(message).toContain('with 5 GraphQL errors: "error 0 for token [REDACTED] xxx')
    expect(message).toContain('(path patients[1].name)')
    expect(message).toContain('; and 2 more')
    expect(message).not.toContain('error 3')
    expect(message.length).toBeLessThan(1200)
    expectNoSecrets(result, [TOKEN, CLIENT_SECRET])
  })

  it('quotes the GraphQL errors of a 4xx application/graphql-response+json body', async () => {
    api.on('POST', '/graphql', graphqlApi(knownTokens(TOKEN)))
    const result = await run({
      accessToken: TOKEN,
      query: '{ patient(id: "example") { shoe_size } }',
    })
    expect(errorOf(result)).toEqual({
      category: 'BAD_REQUEST',
      code: 'API_CLIENT_ERROR',
      message:
        'The API answered HTTP 400 to POST /graphql. 1 GraphQL error: "Cannot query field \\"shoe_size\\" on type \\"Patient\\"." (at line 1, column 28)',
    })
  })

  it.each([
    [
      'an HTML page',
      [200, '<html>Welcome</html>', { 'Content-Type': 'text/html' }],
      'a body that is not a JSON object',
    ],
    ['an empty body', [200, ''], 'an empty body'],
    [
      'JSON without data or errors',
      [200, { patient: { id: '1' } }],
      'a JSON object without "data" or "errors"',
    ],
    ['errors that are not a list', [200, { errors: 'nope' }], '"errors" that is not a list'],
  ] as const)('fails %s as SERVER_ERROR: not a GraphQL response', async (_case, reply, why) => {
    api.on('POST', '/graphql', [...reply])
    const result = await run({ accessToken: TOKEN, query: '{ a }', failOnGraphqlErrors: false })
    expect(result.code).toBe('GRAPHQL_RESPONSE_INVALID')
    expect(errorOf(result).category).toBe('SERVER_ERROR')
    expect(errorOf(result).message).toContain(
      `The API answered HTTP 200 to POST /graphql with ${why}: not a GraphQL response`,
    )
  })
})

describe('authenticatedGraphqlRequest: retries and renewal', () => {
  it('sends a mutation answered 503 exactly once', async () => {
    const graphql = api.on('POST', '/graphql', [503, 'busy'], { times: 3 })
    const result = await run({
      accessToken: TOKEN,
      query: CREATE_PATIENT,
      variables: { input: { first_name: 'Ada', last_name: 'Lovelace' } },
    })
    expect(graphql.requests).toHaveLength(1)
    expect(errorOf(result)).toEqual({
      category: 'SERVER_ERROR',
      code: 'API_SERVER_ERROR',
      message:
        'The API answered HTTP 503 to POST /graphql; a mutation is not repeated, so that no record is created twice. Body: busy',
    })
  })

  it('repeats a query answered 503, and completes with the 200 that follows', async () => {
    const busy = api.on('POST', '/graphql', [503, 'busy'])
    const graphql = api.on('POST', '/graphql', graphqlApi(knownTokens(TOKEN)))
    const result = await run({
      accessToken: TOKEN,
      query: GET_PATIENT,
      variables: { id: 'example' },
    })
    expect(result.outcome).toBe('complete')
    expect(busy.requests).toHaveLength(1)
    expect(graphql.requests).toHaveLength(1)
    expect(bodyOf(graphql.requests[0])).toEqual(bodyOf(busy.requests[0]))
  })

  it.each([
    ['query', GET_PATIENT, { id: 'example' }],
    ['mutation', CREATE_PATIENT, { input: { first_name: 'Ada', last_name: 'Lovelace' } }],
  ])(
    'renews the token once after a 401 and sends the %s again',
    async (_type, query, variables) => {
      const tokens = tokenEndpoint()
      const accepted = new Map<string, ReadonlySet<string>>()
      const graphql = api.on(
        'POST',
        '/graphql',
        async (request) => {
          for (const token of tokens.issued) accepted.set(token, READ_WRITE)
          return graphqlApi(accepted)(request)
        },
        { times: 2 },
      )
      const result = await run({ accessToken: TOKEN, query, variables })
      expect(result.outcome).toBe('complete')
      expect(tokens.requests()).toBe(1)
      expect(graphql.requests.map((request) => request.headers.authorization)).toEqual([
        `Bearer ${TOKEN}`,
        `Bearer ${tokens.issued[0]}`,
      ])
      expect(result.dataPoints).toMatchObject({
        tokenRefreshed: 'true',
        accessToken: tokens.issued[0],
        errors: null,
      })
      expect(result.events[0].text.en).toContain('(token renewed after HTTP 401)')
    },
  )

  it('gets a token itself when accessToken is empty (one-step mode)', async () => {
    const tokens = tokenEndpoint()
    const accepted = new Map<string, ReadonlySet<string>>()
    api.on('POST', '/graphql', async (request) => {
      for (const token of tokens.issued) accepted.set(token, READ_WRITE)
      return graphqlApi(accepted)(request)
    })
    const result = await run({ query: GET_PATIENT, variables: { id: 'example' } })
    expect(result.outcome).toBe('complete')
    expect(result.dataPoints.accessToken).toBe(tokens.issued[0])
    expect(result.events[0].text.en).toContain('(new token fetched)')
    expectNoSecrets(result, [CLIENT_SECRET])
  })

  it('fails after a second 401, quoting the RFC 6750 error and the GraphQL message', async () => {
    tokenEndpoint()
    api.on('POST', '/graphql', graphqlApi(new Map()), { times: 2 })
    const result = await run({ accessToken: TOKEN, query: GET_PATIENT, variables: { id: '1' } })
    expect(result.code).toBe('API_CLIENT_ERROR')
    expect(errorOf(result).message).toBe(
      'The API answered HTTP 401 to POST /graphql; WWW-Authenticate: Bearer error="invalid_token"; the token was renewed after HTTP 401 and the retry was refused too. 1 GraphQL error: "invalid access token"',
    )
  })
})

describe('authenticatedGraphqlRequest: token references (tokenDataPoints = reference)', () => {
  it('hands on a reference, never the token, and resolves it in the next request', async () => {
    const tokens = tokenEndpoint()
    const graphql = api.on(
      'POST',
      '/graphql',
      (request) => graphqlApi(knownTokens(...tokens.issued))(request),
      {
        times: 2,
      },
    )
    const first = await run(
      { query: GET_PATIENT, variables: { id: 'example' } },
      { tokenDataPoints: 'reference' },
    )
    expect(first.outcome).toBe('complete')
    expect(first.dataPoints.accessToken).toMatch(/^oauthapi-ref:[A-Za-z0-9_-]{22,}$/)
    expect(JSON.stringify(first.callbacks)).not.toContain(tokens.issued[0])
    const second = await run(
      {
        query: GET_PATIENT,
        variables: { id: 'example' },
        accessToken: first.dataPoints.accessToken,
      },
      { tokenDataPoints: 'reference' },
    )
    expect(second.outcome).toBe('complete')
    expect(tokens.requests()).toBe(1)
    expect(graphql.requests[1].headers['authorization']).toBe(`Bearer ${tokens.issued[0]}`)
    expect(second.events[0].text.en).toContain(
      '(token from the reference in the accessToken field)',
    )
    expect(second.dataPoints.accessToken).toBe(first.dataPoints.accessToken)
  })
})
