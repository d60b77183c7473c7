import type { HttpResponse } from '../http/sendRequest'
import { quoteServerText } from '../secrets/quoteServerText'
import type { Redactor } from '../secrets/redactor'
import { StepFailure } from '../step/StepFailure'

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
 * Says what a failed response's body holds when the caller reads it better than an excerpt
 * would (e.g. the messages of GraphQL errors), scrubbed and bounded; undefined for an excerpt.
 */
export type BodyDescriber = (body: string) => string | undefined

/**
 * The failure for a non-2xx answer: 4xx API_CLIENT_ERROR, 5xx API_SERVER_ERROR, an unfollowed
 * 3xx API_REDIRECT_REFUSED. The server's words are scrubbed before they are cut short: a secret
 * cut in two would not be found.
 */
export const apiHttpFailure = (
  response: HttpResponse,
  what: string,
  notes: readonly string[],
  redactor: Redactor,
  describeBody: BodyDescriber = () => undefined,
): StepFailure => {
  const code =
    response.status >= 500
      ? 'API_SERVER_ERROR'
      : response.status < 400
        ? 'API_REDIRECT_REFUSED'
        : 'API_CLIENT_ERROR'
  const parts = [`The API answered HTTP ${response.status} to ${what}`]
  const bearerError = response.headers['www-authenticate']
  if (bearerError !== undefined && /^\s*bearer\b/i.test(bearerError)) {
    // RFC 6750 §3: the resource server's reason (invalid_token, insufficient_scope, …).
    parts.push(`; WWW-Authenticate: ${quoteServerText(bearerError, redactor, MAX_HEADER_EXCERPT)}`)
  }
  for (const note of notes) parts.push(`; ${note}`)
  const described = describeBody(response.body)
  if (described !== undefined) {
    parts.push(`. ${described}`)
  } else {
    const excerpt = quoteServerText(response.body, redactor, MAX_BODY_EXCERPT)
    if (excerpt !== '') parts.push(`. Body: ${excerpt}`)
  }
  return new StepFailure(code, parts.join(''))
}
