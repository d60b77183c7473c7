import type { HttpResponse } from '../http/sendRequest'
import { quoteServerText } from '../secrets/quoteServerText'
import type { Redactor } from '../secrets/redactor'
import { StepFailure, type FailureCode } from '../step/StepFailure'

/** A failed response is quoted in the error event up to this many characters. */
export const MAX_BODY_EXCERPT = 1000
/** A WWW-Authenticate header is quoted up to this many characters. */
const MAX_HEADER_EXCERPT = 300

/**
 * The responseBody data point: the parsed body as JSON text; a body that is not JSON as a JSON
 * string; an empty body as null. The run's secrets are scrubbed from the body before it is
 * serialized again: once escaped by JSON.stringify, a secret the server echoed as `\/` or
 * `\u002f` would read `\\/` and no longer be one of its forms.
 */
export const responseBodyDataPoint = (body: string, redactor: Redactor): string => {
  const scrubbed = redactor.scrub(body)
  if (scrubbed.trim() === '') return 'null'
  try {
    return JSON.stringify(JSON.parse(scrubbed))
  } catch {
    return JSON.stringify(scrubbed)
  }
}

/** The responseHeaders data point: each value scrubbed before the object is serialized. */
export const responseHeadersDataPoint = (
  headers: Readonly<Record<string, string>>,
  redactor: Redactor,
): string =>
  JSON.stringify(
    Object.fromEntries(
      Object.entries(headers).map(([name, value]) => [name, redactor.scrub(value)]),
    ),
  )

export const isSuccess = (status: number): boolean => status >= 200 && status < 300

/**
 * The failure for a non-2xx answer: 4xx API_CLIENT_ERROR, 5xx API_SERVER_ERROR, an unfollowed
 * 3xx API_REDIRECT_REFUSED, unless the caller knows better (`failureCode`). The server's words are scrubbed before they are cut short: a secret
 * cut in two would not be found.
 */
export const apiHttpFailure = (
  response: HttpResponse,
  what: string,
  notes: readonly string[],
  redactor: Redactor,
  failureCode?: FailureCode,
): StepFailure => {
  const code =
    failureCode ??
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
  const excerpt = quoteServerText(response.body, redactor, MAX_BODY_EXCERPT)
  if (excerpt !== '') parts.push(`. Body: ${excerpt}`)
  return new StepFailure(code, parts.join(''))
}
