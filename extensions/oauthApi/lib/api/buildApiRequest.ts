import type { HttpMethod } from '../http/sendRequest'
import { fieldFailure } from '../step/StepFailure'
import { assertSafeHeader } from './headerSafety'
import { FHIR_JSON, serializeBody, type BodyFormat, type RequestBody } from './requestBody'
import { resolveUnderBase, type ApiBase } from './resolveUnderBase'

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
  /** Without Authorization: the token is added per attempt. */
  headers: Record<string, string>
  body: string | Buffer | undefined
}

/**
 * The request the designer configured, checked before anything is sent: the URL under the API
 * base (RFC 9700 §4.9.1), header names and values free of control characters, and a body only
 * where the method carries one, written in its format.
 */
export const buildApiRequest = (input: ApiRequestInput, base: ApiBase): ApiRequestPlan => {
  const url = resolveUnderBase(input.path, base)
  for (const [name, value] of input.query) url.searchParams.append(name, value)

  const headers: Record<string, string> = {
    // FHIR R4 http.html#mime-type: a strict server may refuse application/json.
    Accept: input.bodyFormat === 'fhir+json' ? FHIR_JSON : 'application/json',
  }
  for (const [name, value] of input.headers) {
    assertSafeHeader(name, value)
    setHeader(headers, name, value)
  }
  if (input.idempotencyKey !== undefined) {
    if (hasHeader(headers, 'idempotency-key')) {
      throw fieldFailure('idempotencyKey', 'is also set in "headers"; set it in one place')
    }
    assertSafeHeader('Idempotency-Key', input.idempotencyKey, 'idempotencyKey')
    headers['Idempotency-Key'] = input.idempotencyKey
  }

  const body = bodyToSend(input.method, input.body)
  if (body === undefined) return { method: input.method, url, headers, body: undefined }
  const { contentType, content } = serializeBody(body)
  if (body.format === 'multipart') {
    // The boundary is ours: a designer's Content-Type would not name it.
    if (hasHeader(headers, 'content-type')) {
      throw fieldFailure(
        'headers',
        'Content-Type is set by body format "multipart" (it carries the boundary)',
      )
    }
    headers['Content-Type'] = contentType
  } else if (!hasHeader(headers, 'content-type')) {
    headers['Content-Type'] = contentType
  }
  return { method: input.method, url, headers, body: content }
}

/** RFC 9110 §9.3.1: a GET body has no meaning; an empty JSON body is dropped, any other refused. */
const bodyToSend = (method: HttpMethod, body: RequestBody | undefined): RequestBody | undefined => {
  if (body === undefined || method !== 'GET') return body
  if ('json' in body && isEmptyJson(body.json)) return undefined
  if ('pairs' in body && body.pairs.length === 0) return undefined
  throw fieldFailure(
    body.format === 'text' ? 'bodyText' : 'body',
    'a GET request has no body; choose POST, PUT, PATCH or DELETE',
  )
}

const isEmptyJson = (value: unknown): boolean =>
  value === null || (typeof value === 'object' && Object.keys(value).length === 0)

/** Header names are case-insensitive (RFC 9110 §5.1): a designer's header replaces our default. */
const setHeader = (headers: Record<string, string>, name: string, value: string): void => {
  for (const existing of Object.keys(headers)) {
    if (existing.toLowerCase() === name.toLowerCase()) delete headers[existing]
  }
  headers[name] = value
}

const hasHeader = (headers: Record<string, string>, name: string): boolean =>
  Object.keys(headers).some((existing) => existing.toLowerCase() === name)
