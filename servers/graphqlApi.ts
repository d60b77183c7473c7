// The GraphQL endpoint of the sample API: a small patient schema in the style of Healthie's,
// executed by the reference implementation (graphql-js), behind GraphQL over HTTP (draft spec).
// The caller authenticates the request first (servers/protectedApi.ts verifies the JWT with
// jose; unit tests check a bearer token of their own) and hands in the token's scopes.
import { randomUUID } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import { buildSchema, graphql, GraphQLError, type ExecutionResult } from 'graphql'

/** The endpoint's path under the API base URL, as FHIR names its GraphQL endpoint ([base]/$graphql). */
export const GRAPHQL_PATH = '/$graphql'

const schema = buildSchema(`
  type Patient {
    id: ID!
    first_name: String!
    last_name: String!
    dob: String
    gender: String
  }

  input CreatePatientInput {
    first_name: String!
    last_name: String!
    dob: String
    gender: String
  }

  type CreatePatientPayload {
    patient: Patient
  }

  type Query {
    "A patient by id; null with a NOT_FOUND error when there is none."
    patient(id: ID!): Patient
  }

  type Mutation {
    "Creates a patient; needs the write scope."
    createPatient(input: CreatePatientInput!): CreatePatientPayload
  }
`)

interface Patient {
  id: string
  first_name: string
  last_name: string
  dob?: string | null
  gender?: string | null
}

/** The FHIR specification's example patient, as a GraphQL API would name its fields. */
const EXAMPLE_PATIENT: Patient = {
  id: 'example',
  first_name: 'Peter',
  last_name: 'Chalmers',
  dob: '1974-12-25',
  gender: 'male',
}

/** `npm run servers` may run for days: the created patients are bounded, oldest dropped first. */
const MAX_CREATED_PATIENTS = 1000

/** The scopes a token needs: to read patients, and to create them. */
export interface GraphqlScopes {
  read: string
  write: string
}

interface Context {
  scopes: ReadonlySet<string>
}

/**
 * Authorization per field, the way GraphQL APIs usually do it: a token without the scope gets a
 * GraphQL error (extensions.code FORBIDDEN) in a 200 answer, and the field is null.
 */
const requireScope = (context: Context, scope: string): void => {
  if (!context.scopes.has(scope)) {
    throw new GraphQLError(`the access token lacks the ${scope} scope`, {
      extensions: { code: 'FORBIDDEN' },
    })
  }
}

const rootValueFor = (patients: Map<string, Patient>, scopes: GraphqlScopes) => ({
  patient: ({ id }: { id: string }, context: Context): Patient => {
    requireScope(context, scopes.read)
    const patient = patients.get(id)
    if (patient === undefined) {
      throw new GraphQLError(`Patient ${id} is not known`, { extensions: { code: 'NOT_FOUND' } })
    }
    return patient
  },
  createPatient: (
    { input }: { input: Omit<Patient, 'id'> },
    context: Context,
  ): { patient: Patient } => {
    requireScope(context, scopes.write)
    const patient = { ...input, id: randomUUID() }
    patients.set(patient.id, patient)
    if (patients.size > MAX_CREATED_PATIENTS + 1) {
      const oldest = [...patients.keys()].find((id) => id !== EXAMPLE_PATIENT.id)
      if (oldest !== undefined) patients.delete(oldest)
    }
    return { patient }
  },
})

interface GraphqlHttpRequest {
  method: string
  headers: IncomingHttpHeaders
  body: string
}

interface GraphqlHttpResponse {
  status: number
  headers: Record<string, string>
  body: Record<string, unknown>
}

/** Answers one authenticated GraphQL-over-HTTP request, given the token's scopes. */
export type GraphqlEndpoint = (
  request: GraphqlHttpRequest,
  scopes: ReadonlySet<string>,
) => Promise<GraphqlHttpResponse>

const GRAPHQL_RESPONSE_JSON = 'application/graphql-response+json'

/** A request error (GraphQL spec §7.1.2): `errors` alone, no `data`. */
const requestError = (status: number, message: string, type: string): GraphqlHttpResponse => ({
  status,
  headers: { 'content-type': `${type}; charset=utf-8` },
  body: { errors: [{ message }] },
})

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** The POST body's parameters (GraphQL over HTTP, "Request Parameters"), or why they are not. */
const readParams = (
  body: string,
): { query: string; variables?: Record<string, unknown>; operationName?: string } | string => {
  let params: unknown
  try {
    params = JSON.parse(body)
  } catch {
    return 'the request body is not JSON'
  }
  if (!isObject(params)) return 'the request body must be a JSON object'
  const { query, variables, operationName } = params
  if (typeof query !== 'string') return 'the "query" parameter must be a string'
  if (variables !== undefined && variables !== null && !isObject(variables)) {
    return 'the "variables" parameter must be an object'
  }
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') {
    return 'the "operationName" parameter must be a string'
  }
  return {
    query,
    variables: isObject(variables) ? variables : undefined,
    operationName: typeof operationName === 'string' ? operationName : undefined,
  }
}

/**
 * A GraphQL endpoint with its own store (the example patient, and those created). GraphQL over
 * HTTP: POST with application/json; a client that accepts application/graphql-response+json
 * gets it, with 4xx for request errors (a document that does not parse or validate, bad
 * variables); others get application/json and 200 for every well-formed request.
 */
export const createGraphqlEndpoint = (scopes: GraphqlScopes): GraphqlEndpoint => {
  const patients = new Map<string, Patient>([[EXAMPLE_PATIENT.id, EXAMPLE_PATIENT]])
  const rootValue = rootValueFor(patients, scopes)
  return async (request, tokenScopes) => {
    const accept = request.headers.accept ?? ''
    const type = accept.includes(GRAPHQL_RESPONSE_JSON) ? GRAPHQL_RESPONSE_JSON : 'application/json'
    if (request.method !== 'POST') {
      const answer = requestError(405, 'use POST', type)
      return { ...answer, headers: { ...answer.headers, allow: 'POST' } }
    }
    const contentType = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase()
    if (contentType !== 'application/json') {
      return requestError(415, 'the request body must be application/json', type)
    }
    const params = readParams(request.body)
    if (typeof params === 'string') return requestError(400, params, type)
    const result: ExecutionResult = await graphql({
      schema,
      source: params.query,
      rootValue,
      contextValue: { scopes: tokenScopes } satisfies Context,
      variableValues: params.variables,
      operationName: params.operationName,
    })
    // No `data`: the request never executed (parse, validation or variable errors).
    const status = result.data === undefined && type === GRAPHQL_RESPONSE_JSON ? 400 : 200
    return {
      status,
      headers: { 'content-type': `${type}; charset=utf-8` },
      body: JSON.parse(JSON.stringify(result)) as Record<string, unknown>,
    }
  }
}
