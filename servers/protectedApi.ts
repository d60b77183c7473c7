// A small FHIR-flavoured API protected by OAuth 2.0 bearer tokens (RFC 6750), for local
// development and end-to-end tests. Access tokens are JWTs (RFC 9068) issued by the local
// authorization server and verified with its published JWKS. Behind the same checks, a GraphQL
// endpoint at {base}/$graphql (servers/graphqlApi.ts, executed by graphql-js).

import { randomUUID } from 'node:crypto'
import type { IncomingHttpHeaders, ServerResponse } from 'node:http'
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose'
import { createGraphqlEndpoint, GRAPHQL_PATH, type GraphqlEndpoint } from './graphqlApi'
import { startLoopbackServer, type RecordedRequest } from './loopbackServer'

export interface ProtectedApiOptions {
  issuer: string
  jwksUri: string
  audience: string
  /**
   * How far the API's clock runs ahead of the authorization server's, in seconds: simulates the
   * clock skew between real servers that makes a token the client believes valid expired here.
   */
  clockSkewSeconds?: number
}

export interface ProtectedApi {
  /** e.g. http://127.0.0.1:PORT/fhir */
  baseUrl: string
  requestCount(): number
  close(): Promise<void>
}

const FHIR_BASE_PATH = '/fhir'
export const READ_SCOPE = 'patient.read'
export const WRITE_SCOPE = 'patient.write'

const FHIR_JSON = 'application/fhir+json'
const REALM = 'oauthApi sample FHIR API'
const ACCESS_TOKEN_ALGORITHMS = ['RS256']
const MAX_BODY_BYTES = 1024 * 1024

type Json = Record<string, unknown>

interface ApiResponse {
  status: number
  body: Json
  headers?: Record<string, string>
}

/** A refusal, answered as a FHIR OperationOutcome, or as GraphQL errors on the GraphQL endpoint. */
class ApiError extends Error {
  constructor(
    readonly status: number,
    /** The OperationOutcome issue code (FHIR IssueType). */
    readonly issueCode: string,
    readonly diagnostics: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}`)
  }

  get response(): ApiResponse {
    const { status, headers, issueCode, diagnostics } = this
    return { status, headers, body: operationOutcome(issueCode, diagnostics) }
  }

  /** GraphQL over HTTP: a request error, `errors` without `data`, with the same status and headers. */
  get graphqlResponse(): ApiResponse {
    const { status, headers, diagnostics } = this
    return {
      status,
      headers: { ...headers, 'content-type': 'application/json' },
      body: { errors: [{ message: diagnostics }] },
    }
  }
}

/** The FHIR specification's example patient. */
const PATIENTS: Record<string, Json> = {
  example: {
    resourceType: 'Patient',
    id: 'example',
    active: true,
    name: [{ use: 'official', family: 'Chalmers', given: ['Peter', 'James'] }],
    gender: 'male',
    birthDate: '1974-12-25',
  },
}

function operationOutcome(code: string, diagnostics: string): Json {
  return { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code, diagnostics }] }
}

/** RFC 6750 §3: auth-param values are quoted strings without '"' and '\'. */
function quotedAuthParam(value: string): string {
  return `"${value.replace(/[^\x20-\x7e]|["\\]/g, '')}"`
}

function bearerChallenge(params: Record<string, string>): string {
  const authParams = Object.entries({ realm: REALM, ...params }).map(
    ([name, value]) => `${name}=${quotedAuthParam(value)}`,
  )
  return `Bearer ${authParams.join(', ')}`
}

/** RFC 6750 §3.1: a request without any authentication information gets no error code. */
function missingToken(): ApiError {
  return new ApiError(401, 'login', 'a bearer access token is required', {
    'www-authenticate': bearerChallenge({}),
  })
}

/** RFC 6750 §3.1 invalid_request: e.g. an empty or malformed Authorization header. */
function invalidRequest(description: string): ApiError {
  return new ApiError(400, 'invalid', description, {
    'www-authenticate': bearerChallenge({
      error: 'invalid_request',
      error_description: description,
    }),
  })
}

/** RFC 6750 §3.1 invalid_token: expired, revoked, malformed or otherwise invalid. */
function invalidToken(description: string): ApiError {
  return new ApiError(401, 'login', `invalid access token: ${description}`, {
    'www-authenticate': bearerChallenge({
      error: 'invalid_token',
      error_description: description,
    }),
  })
}

/** RFC 6750 §3.1 insufficient_scope: the token lacks the scope this request needs. */
function insufficientScope(requiredScope: string): ApiError {
  const description = `the access token lacks the ${requiredScope} scope`
  return new ApiError(403, 'forbidden', description, {
    'www-authenticate': bearerChallenge({
      error: 'insufficient_scope',
      error_description: description,
      scope: requiredScope,
    }),
  })
}

function notFound(diagnostics: string): ApiError {
  return new ApiError(404, 'not-found', diagnostics)
}

function badRequest(diagnostics: string): ApiError {
  return new ApiError(400, 'invalid', diagnostics)
}

/** RFC 6750 §2.1: `Authorization: Bearer b64token`; the scheme is case-insensitive. */
function bearerTokenFrom(headers: IncomingHttpHeaders): string {
  const authorization = headers.authorization
  if (!authorization) throw missingToken()
  const match = /^(\S+)(?: +(.*))?$/.exec(authorization.trim())
  if (!match || match[1].toLowerCase() !== 'bearer') throw missingToken()
  const token = match[2] ?? ''
  if (!/^[A-Za-z0-9\-._~+/]+=*$/.test(token)) {
    throw invalidRequest('the Authorization header does not carry a bearer token')
  }
  return token
}

function describeVerificationError(error: InstanceType<typeof joseErrors.JOSEError>): string {
  if (error instanceof joseErrors.JWTExpired) return 'the access token expired'
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    return `the access token ${error.claim} claim is not acceptable`
  }
  if (error instanceof joseErrors.JWSInvalid || error instanceof joseErrors.JWTInvalid) {
    return 'the access token is not a valid JWT'
  }
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) {
    return 'the access token signature is invalid'
  }
  return 'the access token could not be verified'
}

type AccessTokenVerifier = (token: string) => Promise<JWTPayload>

/**
 * RFC 9068 §4: checks type at+jwt, signature against the issuer's JWKS, issuer, audience and
 * expiry (no clock tolerance).
 */
function accessTokenVerifier(options: ProtectedApiOptions): AccessTokenVerifier {
  const jwks = createRemoteJWKSet(new URL(options.jwksUri))
  return async (token) => {
    try {
      const { payload } = await jwtVerify(token, jwks, {
        issuer: options.issuer,
        audience: options.audience,
        algorithms: ACCESS_TOKEN_ALGORITHMS,
        typ: 'at+jwt',
        clockTolerance: 0,
        currentDate: new Date(Date.now() + (options.clockSkewSeconds ?? 0) * 1000),
        requiredClaims: ['exp', 'iat', 'client_id'],
      })
      return payload
    } catch (error) {
      if (error instanceof joseErrors.JWKSTimeout) throw error
      if (error instanceof joseErrors.JOSEError)
        throw invalidToken(describeVerificationError(error))
      throw error
    }
  }
}

function scopesOf(payload: JWTPayload): Set<string> {
  return new Set(typeof payload.scope === 'string' ? payload.scope.split(' ') : [])
}

function requireScope(payload: JWTPayload, scope: string): void {
  if (!scopesOf(payload).has(scope)) throw insufficientScope(scope)
}

function readFhirResource(request: RecordedRequest, resourceType: string): Json {
  const contentType = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase()
  if (contentType !== FHIR_JSON && contentType !== 'application/json') {
    throw badRequest(`the request body must be ${FHIR_JSON}`)
  }
  if (Buffer.byteLength(request.body) > MAX_BODY_BYTES) {
    throw badRequest('the request body is too large')
  }
  let resource: unknown
  try {
    resource = JSON.parse(request.body)
  } catch {
    throw badRequest('the request body is not valid JSON')
  }
  if (typeof resource !== 'object' || resource === null || Array.isArray(resource)) {
    throw badRequest('the request body must be a FHIR resource')
  }
  if ((resource as Json).resourceType !== resourceType) {
    throw badRequest(`the request body must be a ${resourceType} resource`)
  }
  return resource as Json
}

interface RequestContext {
  request: RecordedRequest
  baseUrl: string
  pathParams: string[]
}

interface Route {
  method: string
  path: RegExp
  /** the scope the access token must carry (RFC 6749 §3.3) */
  scope: string
  handle(context: RequestContext): ApiResponse
}

function readPatient({ pathParams }: RequestContext): ApiResponse {
  const patient = PATIENTS[pathParams[0]]
  if (!patient) throw notFound(`Patient/${pathParams[0]} is not known`)
  return { status: 200, body: patient }
}

/** FHIR create: 201 with the stored resource and its Location. */
function createObservation({ request, baseUrl }: RequestContext): ApiResponse {
  const observation = readFhirResource(request, 'Observation')
  const id = randomUUID()
  const meta = { versionId: '1', lastUpdated: new Date().toISOString() }
  return {
    status: 201,
    headers: { location: `${baseUrl}/Observation/${id}/_history/1` },
    body: { ...observation, id, meta },
  }
}

const ROUTES: Route[] = [
  {
    method: 'GET',
    path: /^\/fhir\/Patient\/([A-Za-z0-9\-.]{1,64})$/,
    scope: READ_SCOPE,
    handle: readPatient,
  },
  { method: 'POST', path: /^\/fhir\/Observation$/, scope: WRITE_SCOPE, handle: createObservation },
]

function findRoute(method: string, path: string): { route: Route; pathParams: string[] } {
  for (const route of ROUTES) {
    const match = route.path.exec(path)
    if (match && route.method === method) return { route, pathParams: match.slice(1) }
  }
  throw notFound(`no route for ${method} ${path}`)
}

function send(res: ServerResponse, response: ApiResponse): void {
  res.writeHead(response.status, {
    'content-type': FHIR_JSON,
    'cache-control': 'no-store',
    ...response.headers,
  })
  res.end(JSON.stringify(response.body))
}

const pathOf = (request: RecordedRequest): string =>
  new URL(request.url || '/', 'http://localhost').pathname

const isGraphqlRequest = (request: RecordedRequest): boolean =>
  pathOf(request) === `${FHIR_BASE_PATH}${GRAPHQL_PATH}`

function requestHandler(
  verifyAccessToken: AccessTokenVerifier,
  baseUrl: () => string,
  graphqlEndpoint: GraphqlEndpoint,
) {
  return async (request: RecordedRequest): Promise<ApiResponse> => {
    const path = pathOf(request)
    // Authenticate first, so unauthenticated callers learn nothing about the routes.
    const token = await verifyAccessToken(bearerTokenFrom(request.headers))
    // The GraphQL endpoint authorizes per field (a GraphQL error for a missing scope).
    if (isGraphqlRequest(request)) return graphqlEndpoint(request, scopesOf(token))
    const { route, pathParams } = findRoute(request.method || 'GET', path)
    requireScope(token, route.scope)
    return route.handle({ request, baseUrl: baseUrl(), pathParams })
  }
}

function unexpectedFailure(error: unknown): ApiResponse {
  const diagnostics = error instanceof Error ? error.message : String(error)
  return { status: 503, body: operationOutcome('transient', `cannot serve: ${diagnostics}`) }
}

/** Starts the sample API on a free loopback port. */
export async function startProtectedApi(options: ProtectedApiOptions): Promise<ProtectedApi> {
  let baseUrl = ''
  const graphqlEndpoint = createGraphqlEndpoint({ read: READ_SCOPE, write: WRITE_SCOPE })
  const handle = requestHandler(accessTokenVerifier(options), () => baseUrl, graphqlEndpoint)
  // Not recorded: `npm run servers` may run for days; only the count is kept.
  const server = await startLoopbackServer(
    async (request, response) => {
      const answer = await handle(request).catch((error: unknown) =>
        !(error instanceof ApiError)
          ? unexpectedFailure(error)
          : isGraphqlRequest(request)
            ? error.graphqlResponse
            : error.response,
      )
      send(response, answer)
    },
    { record: false },
  )
  baseUrl = server.url(FHIR_BASE_PATH)
  return { baseUrl, requestCount: server.requestCount, close: server.close }
}
