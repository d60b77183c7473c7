import type { HttpResponse } from '../http/sendRequest'
import { parseJsonExactly } from '../input/exactJson'
import { isPlainObject } from '../input/valueParsers'
import { quoteServerText } from '../secrets/quoteServerText'
import type { Redactor } from '../secrets/redactor'
import { StepFailure } from '../step/StepFailure'

/** How many GraphQL errors an event quotes, and how much of each. */
const MAX_QUOTED_ERRORS = 3
const MAX_MESSAGE_LENGTH = 300
const MAX_PATH_LENGTH = 120
const MAX_CODE_LENGTH = 60
/** A body that is not a GraphQL response is quoted up to this many characters. */
const MAX_INVALID_EXCERPT = 200

/**
 * A GraphQL response (GraphQL spec §7.1): `data` (null when absent) and `errors` (undefined when
 * absent or empty; the spec requires a non-empty list when present).
 */
export interface GraphqlResult {
  data: unknown
  errors: readonly unknown[] | undefined
}

/**
 * Reads a 2xx body as a GraphQL response: a JSON object with `data`, `errors` or both, `errors`
 * a list. Anything else is not a GraphQL response — a server fault, or a path that reaches
 * something other than the GraphQL endpoint (an HTML page, a REST resource).
 */
export const readGraphqlResponse = (
  response: HttpResponse,
  what: string,
  redactor: Redactor,
): GraphqlResult => {
  const invalid = (why: string): StepFailure => {
    const type = response.headers['content-type']
    const excerpt = quoteServerText(response.body, redactor, MAX_INVALID_EXCERPT)
    return new StepFailure(
      'GRAPHQL_RESPONSE_INVALID',
      `The API answered HTTP ${response.status} to ${what} with ${why}: not a GraphQL response (GraphQL spec §7.1)` +
        (type !== undefined ? `; Content-Type ${quoteServerText(type, redactor, 100)}` : '') +
        (excerpt !== '' ? `. Body: ${excerpt}` : ''),
    )
  }
  const body = parseJson(response.body)
  if (!isPlainObject(body)) {
    throw invalid(
      response.body.trim() === '' ? 'an empty body' : 'a body that is not a JSON object',
    )
  }
  const hasData = Object.prototype.hasOwnProperty.call(body, 'data')
  const hasErrors = Object.prototype.hasOwnProperty.call(body, 'errors')
  if (!hasData && !hasErrors) throw invalid('a JSON object without "data" or "errors"')
  const { errors } = body
  if (hasErrors && errors !== null && !Array.isArray(errors)) {
    throw invalid('"errors" that is not a list')
  }
  return {
    data: hasData ? (body.data ?? null) : null,
    errors: Array.isArray(errors) && errors.length > 0 ? errors : undefined,
  }
}

/** A 2xx answer with GraphQL errors, for a step told to fail on them. */
export const graphqlErrorsFailure = (
  status: number,
  what: string,
  errors: readonly unknown[],
  redactor: Redactor,
): StepFailure =>
  new StepFailure(
    'GRAPHQL_ERRORS',
    `The API answered HTTP ${status} to ${what} with ${describeGraphqlErrors(errors, redactor)}`,
  )

/**
 * "2 GraphQL errors: "Patient 7 is not known" (path patient; code NOT_FOUND); "…" (path …)":
 * the first errors' messages, paths, extension codes and locations (GraphQL spec §7.1.2), the
 * server's words scrubbed before they are cut.
 */
export const describeGraphqlErrors = (errors: readonly unknown[], redactor: Redactor): string => {
  const quoted = errors.slice(0, MAX_QUOTED_ERRORS).map((error) => describeError(error, redactor))
  const more =
    errors.length > MAX_QUOTED_ERRORS ? `; and ${errors.length - MAX_QUOTED_ERRORS} more` : ''
  const count = errors.length === 1 ? '1 GraphQL error' : `${errors.length} GraphQL errors`
  return `${count}: ${quoted.join('; ')}${more}`
}

/**
 * The GraphQL errors of a failed (non-2xx) response's body, e.g. a 400 in
 * application/graphql-response+json for a document the server could not validate; undefined
 * when the body holds none (then the body is quoted as it is).
 */
export const graphqlErrorsInBody =
  (redactor: Redactor) =>
  (body: string): string | undefined => {
    const parsed = parseJson(body)
    if (!isPlainObject(parsed) || !Array.isArray(parsed.errors) || parsed.errors.length === 0) {
      return undefined
    }
    return describeGraphqlErrors(parsed.errors, redactor)
  }

const describeError = (error: unknown, redactor: Redactor): string => {
  if (!isPlainObject(error)) return '(an error that is not an object)'
  const message =
    typeof error.message === 'string'
      ? JSON.stringify(quoteServerText(error.message, redactor, MAX_MESSAGE_LENGTH))
      : '(no message)'
  const details: string[] = []
  const path = pathOf(error.path)
  if (path !== undefined) details.push(`path ${quoteServerText(path, redactor, MAX_PATH_LENGTH)}`)
  const location = locationOf(error.locations)
  if (location !== undefined) details.push(`at ${location}`)
  const code = isPlainObject(error.extensions) ? error.extensions.code : undefined
  if (typeof code === 'string')
    details.push(`code ${quoteServerText(code, redactor, MAX_CODE_LENGTH)}`)
  return details.length > 0 ? `${message} (${details.join('; ')})` : message
}

/** GraphQL spec §7.1.2: a path of field names and list indices, shown as `patient.names[0].family`. */
const pathOf = (path: unknown): string | undefined => {
  if (!Array.isArray(path) || path.length === 0) return undefined
  return path
    .map((segment, index) =>
      typeof segment === 'number' ? `[${segment}]` : `${index > 0 ? '.' : ''}${String(segment)}`,
    )
    .join('')
}

/** The first of `locations`: "line 1, column 9". */
const locationOf = (locations: unknown): string | undefined => {
  const [first] = Array.isArray(locations) ? (locations as unknown[]) : []
  if (!isPlainObject(first)) return undefined
  const { line, column } = first
  return typeof line === 'number' && typeof column === 'number'
    ? `line ${line}, column ${column}`
    : undefined
}

const parseJson = (text: string): unknown => {
  try {
    return parseJsonExactly(text)
  } catch {
    return undefined
  }
}
