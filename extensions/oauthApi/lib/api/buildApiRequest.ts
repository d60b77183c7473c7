import type { HttpMethod } from '../http/sendRequest'
import type { JsonDocument } from '../input/valueParsers'
import { fieldFailure } from '../step/StepFailure'
import { assertSafeHeader } from './headerSafety'
import { resolveUnderBase, type ApiBase } from './resolveUnderBase'

export interface ApiRequestInput {
  method: HttpMethod
  path: string
  query: ReadonlyArray<readonly [string, string]>
  headers: ReadonlyArray<readonly [string, string]>
  body?: JsonDocument
}

export interface ApiRequestPlan {
  method: HttpMethod
  url: URL
  /** Without Authorization: the token is added per attempt. */
  headers: Record<string, string>
  body: string | undefined
}

/**
 * The request the designer configured, checked before anything is sent: the URL under the API
 * base (RFC 9700 §4.9.1), header names and values free of control characters, and a JSON body
 * only where the method carries one. Linear in the input (the fields' sizes are bounded when
 * they are parsed).
 */
export const buildApiRequest = (input: ApiRequestInput, base: ApiBase): ApiRequestPlan => {
  const url = resolveUnderBase(input.path, base)
  if (input.query.length > 0) {
    // One serialization, not one per parameter (URLSearchParams.append rewrites the URL each time).
    const params = new URLSearchParams(url.search)
    for (const [name, value] of input.query) params.append(name, value)
    url.search = params.toString()
  }

  // Header names are case-insensitive (RFC 9110 §5.1): keyed by lower case, a designer's header
  // replaces our default and an earlier one of the same name.
  const byName = new Map<string, readonly [string, string]>([
    ['accept', ['Accept', 'application/json']],
  ])
  for (const [name, value] of input.headers) {
    assertSafeHeader(name, value)
    byName.set(name.toLowerCase(), [name, value])
  }

  const body = serializeBody(input.method, input.body)
  if (body !== undefined && !byName.has('content-type')) {
    byName.set('content-type', ['Content-Type', 'application/json'])
  }
  const headers: Record<string, string> = {}
  for (const [name, value] of byName.values()) headers[name] = value
  return { method: input.method, url, headers, body }
}

const serializeBody = (method: HttpMethod, body: JsonDocument | undefined): string | undefined => {
  if (body === undefined) return undefined
  if (method === 'GET') {
    if (isEmptyJson(body.value)) return undefined
    throw fieldFailure('body', 'a GET request has no body; choose POST, PUT, PATCH or DELETE')
  }
  return body.text
}

const isEmptyJson = (value: unknown): boolean =>
  value === null || (typeof value === 'object' && Object.keys(value as object).length === 0)
