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
  /** JSON, or bytes sent as they are (their Content-Type in `headers`). */
  body: Json | Json[] | Buffer
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

/**
 * A FHIR OperationOutcome as real servers write it: an XHTML narrative (`text.div`) first, long
 * enough to fill a short excerpt on its own, then the issue with its diagnostics.
 */
function operationOutcome(code: string, diagnostics: string): Json {
  const row = `<tr><td>error</td><td>${code}</td><td>${escapeXml(diagnostics)}</td></tr>`
  return {
    resourceType: 'OperationOutcome',
    text: {
      status: 'generated',
      div: `<div xmlns="http://www.w3.org/1999/xhtml"><h1>Operation Outcome</h1><table border="0"><thead><tr><th>Severity</th><th>Code</th><th>Details</th></tr></thead><tbody>${row.repeat(8)}</tbody></table></div>`,
    },
    issue: [{ severity: 'error', code, diagnostics }],
  }
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"]/g, (char) => `&#${char.charCodeAt(0)};`)
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
  handle(context: RequestContext): ApiResponse | Promise<ApiResponse>
}

function readPatient({ pathParams }: RequestContext): ApiResponse {
  const patient = PATIENTS[pathParams[0]]
  if (!patient) throw notFound(`Patient/${pathParams[0]} is not known`)
  return { status: 200, body: patient }
}

/** FHIR create: 201 with the stored resource and its Location. */
function createObservation({ request, baseUrl }: RequestContext): ApiResponse {
  const observation = readFhirResource(request, 'Observation')
  if (typeof observation.status !== 'string') {
    throw new ApiError(
      422,
      'required',
      'Observation.status: minimum required = 1, but only found 0 (from http://hl7.org/fhir/StructureDefinition/Observation)',
    )
  }
  const id = randomUUID()
  const meta = { versionId: '1', lastUpdated: new Date().toISOString() }
  return {
    status: 201,
    headers: { location: `${baseUrl}/Observation/${id}/_history/1` },
    body: { ...observation, id, meta },
  }
}

/** The example patient's heart rates: a search over them has three pages of three. */
const OBSERVATIONS: Json[] = Array.from({ length: 7 }, (_, index) => ({
  resourceType: 'Observation',
  id: `hr-${index + 1}`,
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }] },
  subject: { reference: 'Patient/example' },
  effectiveDateTime: `2024-01-0${index + 1}T08:00:00Z`,
  valueQuantity: { value: 60 + index, unit: 'beats/minute' },
}))
const PAGE_SIZE = 3

/**
 * FHIR search (http.html#paging): a searchset Bundle of PAGE_SIZE entries a page, with absolute
 * `self` and `next` links (the page in `_page`, as HAPI's `_getpagesoffset` works).
 */
function searchObservations({ request, baseUrl }: RequestContext): ApiResponse {
  const url = new URL(request.url, 'http://localhost')
  const patient = url.searchParams.get('patient')
  const matches = OBSERVATIONS.filter(
    (observation) =>
      patient === null ||
      (observation.subject as { reference: string }).reference === `Patient/${patient}`,
  )
  const page = Math.max(1, Number(url.searchParams.get('_page') ?? '1') || 1)
  const pageUrl = (n: number): string =>
    `${baseUrl}/Observation?${new URLSearchParams({ ...(patient === null ? {} : { patient }), _page: String(n) }).toString()}`
  const link = [{ relation: 'self', url: pageUrl(page) }]
  if (page * PAGE_SIZE < matches.length) link.push({ relation: 'next', url: pageUrl(page + 1) })
  return {
    status: 200,
    body: {
      resourceType: 'Bundle',
      type: 'searchset',
      total: matches.length,
      link,
      entry: matches.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE).map((resource) => ({
        fullUrl: `${baseUrl}/Observation/${String(resource.id)}`,
        resource,
        search: { mode: 'match' },
      })),
    },
  }
}

/**
 * An API in the style of RFC 8288 (athenahealth, GitHub): a JSON array a page and the next page
 * in a `Link` header, relative to the request.
 */
function openSlots({ request }: RequestContext): ApiResponse {
  const page = Math.max(
    1,
    Number(new URL(request.url, 'http://localhost').searchParams.get('page') ?? '1') || 1,
  )
  const slots = [0, 1].map((index) => ({
    appointmentid: String(1000 + (page - 1) * 2 + index),
    date: '2024-02-01',
    starttime: `${String(8 + page).padStart(2, '0')}:${index === 0 ? '00' : '30'}`,
  }))
  const links = [`<slots?page=1>; rel="first"`]
  if (page < 3) links.push(`<slots?page=${page + 1}>; rel="next"`)
  return {
    status: 200,
    body: slots,
    headers: { 'content-type': 'application/json', link: links.join(', ') },
  }
}

/**
 * athenahealth-style write: PUT …/appointments/{id} with an application/x-www-form-urlencoded
 * body (patientid, appointmenttypeid); a JSON body is refused, as athenahealth refuses it.
 */
function bookAppointment({ request, pathParams }: RequestContext): ApiResponse {
  const contentType = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase()
  if (contentType !== 'application/x-www-form-urlencoded') {
    return {
      status: 415,
      body: { error: 'The body must be application/x-www-form-urlencoded.' },
      headers: { 'content-type': 'application/json' },
    }
  }
  const form = new URLSearchParams(request.body)
  const missing = ['patientid', 'appointmenttypeid'].filter((name) => !form.get(name))
  if (missing.length > 0) {
    return {
      status: 400,
      body: { error: 'Additional fields are required.', missingfields: missing },
      headers: { 'content-type': 'application/json' },
    }
  }
  return {
    status: 200,
    body: [
      {
        appointmentid: pathParams[0],
        patientid: form.get('patientid'),
        appointmenttypeid: form.get('appointmenttypeid'),
        appointmentstatus: 'f',
        reasons: form.getAll('reason'),
      },
    ],
    headers: { 'content-type': 'application/json' },
  }
}

/** A multipart/form-data upload, read by a real parser (undici's, behind fetch's Request). */
async function uploadDocument({ request, baseUrl }: RequestContext): Promise<ApiResponse> {
  let form: FormData
  try {
    form = await new Request(`${baseUrl}/documents`, {
      method: 'POST',
      headers: { 'content-type': request.headers['content-type'] ?? '' },
      body: request.body,
    }).formData()
  } catch {
    throw badRequest('the request body must be multipart/form-data')
  }
  const fields = Object.fromEntries(
    [...form.entries()].map(([name, value]) => [
      name,
      typeof value === 'string' ? value : `(a file of ${value.size} bytes)`,
    ]),
  )
  const documentId = randomUUID()
  return {
    status: 201,
    body: { documentid: documentId, fields },
    headers: { 'content-type': 'application/json', location: `documents/${documentId}` },
  }
}

/** An HL7 v2 message in plain text: answered with an ACK in text (MSA|AA|<control id>). */
function receiveHl7({ request }: RequestContext): ApiResponse {
  const segments = request.body.split(/\r\n|\r|\n/)
  const msh = segments.find((segment) => segment.startsWith('MSH|'))
  if (msh === undefined) throw badRequest('the body must be an HL7 v2 message starting with MSH')
  const controlId = msh.split('|')[9] ?? ''
  const ack = `MSH|^~\\&|oauthApi-sample|FHIR|||${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}||ACK|${randomUUID().slice(0, 8)}|P|2.5\rMSA|AA|${controlId}`
  return {
    status: 200,
    body: Buffer.from(ack, 'utf8'),
    headers: { 'content-type': 'text/plain; charset=utf-8' },
  }
}

/** A one-page PDF (its bytes are not UTF-8): the care flow gets it as base64, unchanged. */
export const SAMPLE_PDF = Buffer.concat([
  Buffer.from('%PDF-1.4\n%'),
  Buffer.from([0xe2, 0xe3, 0xcf, 0xd3]),
  Buffer.from(
    '\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
  ),
])

function readPdf(): ApiResponse {
  return { status: 200, body: SAMPLE_PDF, headers: { 'content-type': 'application/pdf' } }
}

/**
 * FHIR capabilities interaction (GET [base]/metadata): what a connection check tries. Servers
 * often serve it without a token; this one wants a read token, so that the check tries it.
 */
function capabilityStatement(): ApiResponse {
  return {
    status: 200,
    body: {
      resourceType: 'CapabilityStatement',
      status: 'active',
      kind: 'instance',
      fhirVersion: '4.0.1',
      format: ['json'],
      rest: [
        {
          mode: 'server',
          resource: [
            { type: 'Patient', interaction: [{ code: 'read' }] },
            { type: 'Observation', interaction: [{ code: 'create' }] },
          ],
        },
      ],
    },
  }
}

const ROUTES: Route[] = [
  { method: 'GET', path: /^\/fhir\/metadata$/, scope: READ_SCOPE, handle: capabilityStatement },
  {
    method: 'GET',
    path: /^\/fhir\/Patient\/([A-Za-z0-9\-.]{1,64})$/,
    scope: READ_SCOPE,
    handle: readPatient,
  },
  { method: 'POST', path: /^\/fhir\/Observation$/, scope: WRITE_SCOPE, handle: createObservation },
  { method: 'GET', path: /^\/fhir\/Observation$/, scope: READ_SCOPE, handle: searchObservations },
  { method: 'GET', path: /^\/fhir\/Binary\/example-pdf$/, scope: READ_SCOPE, handle: readPdf },
  { method: 'GET', path: /^\/fhir\/appointments\/slots$/, scope: READ_SCOPE, handle: openSlots },
  {
    method: 'PUT',
    path: /^\/fhir\/appointments\/(\d{1,12})$/,
    scope: WRITE_SCOPE,
    handle: bookAppointment,
  },
  { method: 'POST', path: /^\/fhir\/documents$/, scope: WRITE_SCOPE, handle: uploadDocument },
  { method: 'POST', path: /^\/fhir\/hl7v2$/, scope: WRITE_SCOPE, handle: receiveHl7 },
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
  res.end(Buffer.isBuffer(response.body) ? response.body : JSON.stringify(response.body))
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
    return await route.handle({ request, baseUrl: baseUrl(), pathParams })
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
