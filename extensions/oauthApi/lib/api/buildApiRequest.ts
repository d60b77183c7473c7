import type { HttpMethod } from '../http/sendRequest'
import { fieldFailure } from '../step/StepFailure'
import { assertSafeHeader } from './headerSafety'
import { resolveUnderBase, type ApiBase } from './resolveUnderBase'

export interface ApiRequestInput {
  method: HttpMethod
  path: string
  query: ReadonlyArray<readonly [string, string]>
  headers: ReadonlyArray<readonly [string, string]>
  body?: unknown
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
 * only where the method carries one.
 */
export const buildApiRequest = (input: ApiRequestInput, base: ApiBase): ApiRequestPlan => {
  const url = resolveUnderBase(input.path, base)
  for (const [name, value] of input.query) url.searchParams.append(name, value)

  const headers: Record<string, string> = { Accept: 'application/json' }
  for (const [name, value] of input.headers) {
    assertSafeHeader(name, value)
    setHeader(headers, name, value)
  }

  const body = serializeBody(input.method, input.body)
  if (body !== undefined && !hasHeader(headers, 'content-type')) {
    headers['Content-Type'] = 'application/json'
  }
  return { method: input.method, url, headers, body }
}

const serializeBody = (method: HttpMethod, body: unknown): string | undefined => {
  if (body === undefined) return undefined
  if (method === 'GET') {
    if (isEmptyJson(body)) return undefined
    throw fieldFailure('body', 'a GET request has no body; choose POST, PUT, PATCH or DELETE')
  }
  return JSON.stringify(body)
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
