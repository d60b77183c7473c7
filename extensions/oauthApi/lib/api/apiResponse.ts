import { ActionError } from '../run/ActionError'
import { quoteServerText } from '../run/quoteServerText'
import type { Redactor } from '../run/redactor'
import type { HttpResponse } from '../http/sendRequest'

/** A failed response is quoted in the error event up to this many characters. */
export const MAX_BODY_EXCERPT = 1000
/** A WWW-Authenticate header is quoted up to this many characters. */
const MAX_HEADER_EXCERPT = 300

/**
 * The responseBody data point: the parsed body as JSON text; a body that is not JSON as a JSON
 * string; an empty body as null.
 */
export const responseBodyDataPoint = (body: string): string => {
  if (body.trim() === '') return 'null'
  try {
    return JSON.stringify(JSON.parse(body))
  } catch {
    return JSON.stringify(body)
  }
}

export const isSuccess = (status: number): boolean => status >= 200 && status < 300

/**
 * The error for a non-2xx answer: 4xx (and unfollowed 3xx) BAD_REQUEST, 5xx SERVER_ERROR. The
 * server's words are scrubbed before they are cut short: a secret cut in two would not be found.
 */
export const apiHttpError = (
  response: HttpResponse,
  what: string,
  notes: string[],
  redactor: Redactor,
): ActionError => {
  const category = response.status >= 500 ? 'SERVER_ERROR' : 'BAD_REQUEST'
  const parts = [`The API answered HTTP ${response.status} to ${what}`]
  const bearerError = response.headers['www-authenticate']
  if (bearerError !== undefined && /^\s*bearer\b/i.test(bearerError)) {
    // RFC 6750 §3: the resource server's reason (invalid_token, insufficient_scope, …).
    parts.push(`; WWW-Authenticate: ${quoteServerText(bearerError, redactor, MAX_HEADER_EXCERPT)}`)
  }
  for (const note of notes) parts.push(`; ${note}`)
  const excerpt = quoteServerText(response.body, redactor, MAX_BODY_EXCERPT)
  if (excerpt !== '') parts.push(`. Body: ${excerpt}`)
  return new ActionError(category, parts.join(''))
}
