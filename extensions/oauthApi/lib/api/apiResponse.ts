import type { HttpResponse } from '../http/sendRequest'
import { isPlainObject } from '../input/valueParsers'
import { quoteServerText } from '../secrets/quoteServerText'
import type { Redactor } from '../secrets/redactor'
import type { ApiAnswerFacts, BodyFacts, RequestLine } from '../step/failureFacts'
import { StepFailure } from '../step/StepFailure'
import { isBinaryBody, responseBodyValue } from './responseBody'

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
 * Reads what a failed response's body holds when the caller reads it better than an excerpt
 * would (e.g. GraphQL errors), scrubbed and bounded; undefined for an excerpt.
 */
export type BodyReader = (body: string) => BodyFacts | undefined

/** What the step's error tells of an exchange besides the API's status (callApi.ts). */
export type ApiExchangeFacts = Pick<
  ApiAnswerFacts,
  | 'attempts'
  | 'gaveUp'
  | 'notRepeated'
  | 'refusedRedirect'
  | 'renewedAfterStatus'
  | 'tokenNotRenewed'
>

/**
 * The failure for a non-2xx answer to `request`: 4xx API_CLIENT_ERROR, 5xx API_SERVER_ERROR, an
 * unfollowed 3xx API_REDIRECT_REFUSED, a refused token handed out again TOKEN_NOT_RENEWED
 * (StepFailure.ts). `readBody` may say what the body holds better than an excerpt would. The
 * server's words are scrubbed before they are cut short: a secret cut in two would not be found.
 */
export const apiHttpFailure = (
  response: HttpResponse,
  request: RequestLine,
  exchange: ApiExchangeFacts,
  redactor: Redactor,
  readBody?: BodyReader,
): StepFailure =>
  new StepFailure({
    kind: 'API answer',
    request,
    status: response.status,
    bearerChallenge: bearerChallenge(response, redactor),
    ...exchange,
    body: readBody?.(response.body) ?? bodyFacts(response, redactor),
  })

/** RFC 6750 §3: a Bearer challenge says why the resource server refused (invalid_token, …). */
const bearerChallenge = (response: HttpResponse, redactor: Redactor): string | undefined => {
  const challenge = response.headers['www-authenticate']
  return challenge !== undefined && /^\s*bearer\b/i.test(challenge)
    ? quoteServerText(challenge, redactor, MAX_HEADER_EXCERPT)
    : undefined
}

/**
 * What of an error body a person needs: a FHIR OperationOutcome's issues rather than its
 * narrative, the size and type of a binary body rather than its bytes, else the text; nothing
 * for an empty body.
 */
const bodyFacts = (response: HttpResponse, redactor: Redactor): BodyFacts | undefined => {
  const decoded = responseBodyValue(response)
  if (isBinaryBody(decoded)) {
    const contentType = quoteServerText(decoded.contentType, redactor, MAX_BODY_EXCERPT)
    return { kind: 'binary', bytes: response.bytes.length, contentType }
  }
  const issues = operationOutcomeIssues(decoded)
  if (issues !== undefined) {
    return { kind: 'OperationOutcome', issues: quoteServerText(issues, redactor, MAX_BODY_EXCERPT) }
  }
  const text = quoteServerText(response.body, redactor, MAX_BODY_EXCERPT)
  return text === '' ? undefined : { kind: 'text', text }
}

/**
 * FHIR R4 OperationOutcome (operationoutcome.html): its `text.div` narrative is XHTML for
 * people reading a page and can fill an excerpt on its own; the issues say what went wrong —
 * each as "severity code: diagnostics" (or `details.text`, the coded reason's words), quoted as
 * the server wrote them.
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
  return quoted.length === 0 ? undefined : quoted.join('; ')
}

const isText = (value: unknown): value is string => typeof value === 'string' && value !== ''

/**
 * The Location header resolved against the request's URL (RFC 9110 §10.2.2: it may be
 * relative), e.g. the URL of the resource a 201 created; undefined when absent or unreadable.
 */
export const resolvedLocationHeader = (response: HttpResponse): string | undefined => {
  const location = response.headers['location']
  if (location === undefined || location.trim() === '') return undefined
  try {
    return new URL(location.trim(), response.url).href
  } catch {
    return undefined
  }
}
