import type { HttpMethod } from '../http/sendRequest'
import { fieldFailure } from '../step/StepFailure'
import { BEARER_ACCESS, type ApiAccess } from './apiAccess'
import { assertSafeHeader } from './headerSafety'
import { FHIR_JSON, serializeBody, type BodyFormat, type RequestBody } from './requestBody'
import { resolveUnderBase, type ApiBase } from './resolveUnderBase'
import { tokenHeaderName, type TokenPlacement } from './tokenPlacement'

export interface ApiRequestInput {
  method: HttpMethod
  path: string
  query: ReadonlyArray<readonly [string, string]>
  headers: ReadonlyArray<readonly [string, string]>
  /** How the body is written; `fhir+json` also asks for FHIR JSON back. Default `json`. */
  bodyFormat?: BodyFormat
  body?: RequestBody
  /** Sent as `Idempotency-Key` (IETF httpapi draft), so that the API recognises a repeat. */
  idempotencyKey?: string
}

export interface ApiRequestPlan {
  method: HttpMethod
  url: URL
  /** Without the token: it is added per attempt, where `tokenPlacement` says. */
  headers: Record<string, string>
  body: string | Buffer | undefined
  tokenPlacement: TokenPlacement
}

/**
 * The request the designer configured, checked before anything is sent: the URL under the API
 * base (RFC 9700 §4.9.1), header names and values free of control characters, and a body only
 * where the method carries one, written in its format. Linear in the input (the fields' sizes
 * are bounded when they are parsed).
 */
export const buildApiRequest = (
  input: ApiRequestInput,
  base: ApiBase,
  access: ApiAccess = BEARER_ACCESS,
): ApiRequestPlan => {
  const { placement } = access
  const url = resolveUnderBase(input.path, base)
  if (input.query.length > 0) {
    if (placement.kind === 'query' && input.query.some(([name]) => name === placement.parameter)) {
      throw fieldFailure(
        'query',
        `parameter "${placement.parameter}" carries the access token (tokenQueryParameter); it cannot be set here`,
      )
    }
    // One serialization, not one per parameter (URLSearchParams.append rewrites the URL each time).
    const params = new URLSearchParams(url.search)
    for (const [name, value] of input.query) params.append(name, value)
    url.search = params.toString()
  }

  // Header names are case-insensitive (RFC 9110 §5.1): keyed by lower case, the connection's
  // fixed headers (apiHeaders) replace our default, and a designer's header replaces both and an
  // earlier one of the same name.
  const byName = new Map<string, readonly [string, string]>([
    // FHIR R4 http.html#mime-type: a strict server may refuse application/json.
    ['accept', ['Accept', input.bodyFormat === 'fhir+json' ? FHIR_JSON : 'application/json']],
    ...access.headers,
  ])
  const designers = new Set<string>()
  const tokenHeader = tokenHeaderName(placement)
  for (const [name, value] of input.headers) {
    assertSafeHeader(name, value)
    const key = name.toLowerCase()
    if (key === tokenHeader) {
      throw fieldFailure(
        'headers',
        `header "${name}" carries the access token (tokenHeader); it cannot be set here`,
      )
    }
    byName.set(key, [name, value])
    designers.add(key)
  }
  if (input.idempotencyKey !== undefined) {
    if (designers.has('idempotency-key')) {
      throw fieldFailure('idempotencyKey', 'is also set in "headers"; set it in one place')
    }
    assertSafeHeader('Idempotency-Key', input.idempotencyKey, 'idempotencyKey')
    byName.set('idempotency-key', ['Idempotency-Key', input.idempotencyKey])
  }

  const body = bodyToSend(input.method, input.body)
  let content: string | Buffer | undefined
  if (body !== undefined) {
    const serialized = serializeBody(body)
    content = serialized.content
    if (body.format === 'multipart') {
      // The boundary is ours: a designer's Content-Type would not name it.
      if (designers.has('content-type')) {
        throw fieldFailure(
          'headers',
          'Content-Type is set by body format "multipart" (it carries the boundary)',
        )
      }
      byName.set('content-type', ['Content-Type', serialized.contentType])
    } else if (!designers.has('content-type')) {
      byName.set('content-type', ['Content-Type', serialized.contentType])
    }
  }
  // Without a prototype, every name is the object's own property: "__proto__" too (on a plain
  // object, assigning it would set the prototype and the header would be lost).
  const headers = Object.create(null) as Record<string, string>
  for (const [name, value] of byName.values()) headers[name] = value
  return { method: input.method, url, headers, body: content, tokenPlacement: placement }
}

/** RFC 9110 §9.3.1: a GET body has no meaning; an empty JSON body is dropped, any other refused. */
const bodyToSend = (method: HttpMethod, body: RequestBody | undefined): RequestBody | undefined => {
  if (body === undefined || method !== 'GET') return body
  if ('empty' in body && body.empty) return undefined
  if ('pairs' in body && body.pairs.length === 0) return undefined
  throw fieldFailure(
    body.format === 'text' ? 'bodyText' : 'body',
    'a GET request has no body; choose POST, PUT, PATCH or DELETE',
  )
}
