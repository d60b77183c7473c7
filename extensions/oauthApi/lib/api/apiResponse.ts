import type { HttpResponse } from '../http/sendRequest'
import { isPlainObject } from '../input/valueParsers'
import { quoteServerText } from '../secrets/quoteServerText'
import type { Redactor } from '../secrets/redactor'
import { StepFailure, type FailureCode } from '../step/StepFailure'
import { decodeResponseBody, isBinaryBody } from './responseBody'

/** A failed response is quoted in the error event up to this many characters. */
export const MAX_BODY_EXCERPT = 1000
/** A WWW-Authenticate header is quoted up to this many characters. */
const MAX_HEADER_EXCERPT = 300

/**
 * The responseHeaders data point: a value that JSON would escape (a `"`, a `\` or a control
 * character) is scrubbed before the object is serialized, where an escaped secret would no longer
 * be one of its forms; any other value stands in the JSON text as it is, and is scrubbed there
 * with the whole data point (onEventSafely), so it is not searched twice.
 */
export const responseHeadersDataPoint = (
  headers: Readonly<Record<string, string>>,
  redactor: Redactor,
): string => {
  const values: Record<string, string> = {}
  for (const name of Object.keys(headers)) {
    const value = headers[name]
    values[name] = JSON_ESCAPED.test(value) ? redactor.scrub(value) : value
  }
  return JSON.stringify(values)
}

/** What JSON.stringify writes otherwise than as it is (RFC 8259 §7); lone surrogates too. */
// eslint-disable-next-line no-control-regex -- control characters are what JSON escapes
const JSON_ESCAPED = /["\\\u0000-\u001f\ud800-\udfff]/

export const isSuccess = (status: number): boolean => status >= 200 && status < 300

/**
 * Says what a failed response's body holds when the caller reads it better than an excerpt
 * would (e.g. the messages of GraphQL errors), scrubbed and bounded; undefined for an excerpt.
 */
export type BodyDescriber = (body: string) => string | undefined

/**
 * The failure for a non-2xx answer: 4xx API_CLIENT_ERROR, 5xx API_SERVER_ERROR, an unfollowed
 * 3xx API_REDIRECT_REFUSED, unless the caller knows better (`options.code`). `options.describeBody`
 * may say what the body holds better than an excerpt would. The server's words are scrubbed
 * before they are cut short: a secret cut in two would not be found.
 */
export const apiHttpFailure = (
  response: HttpResponse,
  what: string,
  notes: readonly string[],
  redactor: Redactor,
  options: { describeBody?: BodyDescriber; code?: FailureCode } = {},
): StepFailure => {
  const code =
    options.code ??
    (response.status >= 500
      ? 'API_SERVER_ERROR'
      : response.status < 400
        ? 'API_REDIRECT_REFUSED'
        : 'API_CLIENT_ERROR')
  const parts = [`The API answered HTTP ${response.status} to ${what}`]
  const bearerError = response.headers['www-authenticate']
  if (bearerError !== undefined && /^\s*bearer\b/i.test(bearerError)) {
    // RFC 6750 §3: the resource server's reason (invalid_token, insufficient_scope, …).
    parts.push(`; WWW-Authenticate: ${quoteServerText(bearerError, redactor, MAX_HEADER_EXCERPT)}`)
  }
  for (const note of notes) parts.push(`; ${note}`)
  const described = options.describeBody?.(response.body)
  if (described !== undefined) {
    parts.push(`. ${described}`)
  } else {
    const excerpt = quoteServerText(bodyExcerpt(response), redactor, MAX_BODY_EXCERPT)
    if (excerpt !== '') parts.push(`. Body: ${excerpt}`)
  }
  return new StepFailure(code, parts.join(''))
}

/**
 * What of an error body a person needs: a FHIR OperationOutcome's issues rather than its
 * narrative, the size and type of a binary body rather than its bytes, else the text.
 */
const bodyExcerpt = (response: HttpResponse): string => {
  const decoded = decodeResponseBody(response).value
  if (isBinaryBody(decoded)) {
    return `(${response.bytes.length} bytes of ${decoded.contentType}, not quoted)`
  }
  return operationOutcomeIssues(decoded) ?? response.body
}

/**
 * FHIR R4 OperationOutcome (operationoutcome.html): its `text.div` narrative is XHTML for
 * people reading a page and can fill an excerpt on its own; the issues say what went wrong —
 * each as "severity code: diagnostics" (or `details.text`, the coded reason's words).
 */
const operationOutcomeIssues = (body: unknown): string | undefined => {
  if (!isPlainObject(body) || body['resourceType'] !== 'OperationOutcome') return undefined
  const issues = Array.isArray(body['issue']) ? (body['issue'] as unknown[]) : []
  const quoted = issues.filter(isPlainObject).map((issue) => {
    const label = [issue['severity'], issue['code']].filter(isText).join(' ')
    const details = isPlainObject(issue['details']) ? issue['details']['text'] : undefined
    const reason = isText(issue['diagnostics'])
      ? issue['diagnostics']
      : isText(details)
        ? details
        : ''
    return reason === '' ? label : `${label}: ${reason}`
  })
  return quoted.length === 0 ? undefined : `OperationOutcome: ${quoted.join('; ')}`
}

const isText = (value: unknown): value is string => typeof value === 'string' && value !== ''

/**
 * The Location header resolved against the request's URL (RFC 9110 §10.2.2: it may be
 * relative), e.g. the URL of the resource a 201 created; undefined when absent or unreadable.
 */
export const locationOf = (response: HttpResponse): string | undefined => {
  const location = response.headers['location']
  if (location === undefined || location.trim() === '') return undefined
  try {
    return new URL(location.trim(), response.url).href
  } catch {
    return undefined
  }
}
