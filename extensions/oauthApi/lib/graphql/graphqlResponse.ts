import type { HttpResponse } from '../http/sendRequest'
import { parseJsonObject } from '../input/parseJsonObject'
import { isPlainObject } from '../input/valueParsers'
import { quoteServerText } from '../secrets/quoteServerText'
import type { Redactor } from '../secrets/redactor'
import type {
  BodyFacts,
  GraphqlErrorFacts,
  GraphqlErrorsFacts,
  GraphqlResponseInvalidFacts,
  RequestLine,
} from '../step/failureFacts'
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
  request: RequestLine,
  redactor: Redactor,
): GraphqlResult => {
  const invalid = (problem: GraphqlResponseInvalidFacts['problem']): StepFailure => {
    const type = response.headers['content-type']
    return new StepFailure({
      kind: 'GraphQL response invalid',
      request,
      status: response.status,
      problem,
      contentType: type !== undefined ? quoteServerText(type, redactor, 100) : undefined,
      excerpt: quoteServerText(response.body, redactor, MAX_INVALID_EXCERPT),
    })
  }
  const body = parseJsonObject(response.body)
  if (body === undefined) {
    throw invalid(response.body.trim() === '' ? 'empty body' : 'not a JSON object')
  }
  const hasData = Object.prototype.hasOwnProperty.call(body, 'data')
  const hasErrors = Object.prototype.hasOwnProperty.call(body, 'errors')
  if (!hasData && !hasErrors) throw invalid('no data or errors')
  const { errors } = body
  if (hasErrors && errors !== null && !Array.isArray(errors)) throw invalid('errors not a list')
  return {
    data: hasData ? (body.data ?? null) : null,
    errors: Array.isArray(errors) && errors.length > 0 ? errors : undefined,
  }
}

/** A 2xx answer with GraphQL errors, for a step told to fail on them. */
export const graphqlErrorsFailure = (
  status: number,
  request: RequestLine,
  errors: readonly unknown[],
  redactor: Redactor,
): StepFailure =>
  new StepFailure({
    kind: 'GraphQL errors',
    request,
    status,
    errors: graphqlErrorFacts(errors, redactor),
  })

/**
 * The first errors' messages, paths, extension codes and locations (GraphQL spec §7.1.2), and
 * how many there were; the server's words scrubbed before they are cut.
 */
export const graphqlErrorFacts = (
  errors: readonly unknown[],
  redactor: Redactor,
): GraphqlErrorsFacts => ({
  count: errors.length,
  first: errors.slice(0, MAX_QUOTED_ERRORS).map((error) => errorFacts(error, redactor)),
})

/**
 * The GraphQL errors of a failed (non-2xx) response's body, e.g. a 400 in
 * application/graphql-response+json for a document the server could not validate; undefined
 * when the body holds none (then the body is quoted as it is).
 */
export const graphqlErrorsInBody =
  (redactor: Redactor) =>
  (body: string): BodyFacts | undefined => {
    const errors = parseJsonObject(body)?.['errors']
    if (!Array.isArray(errors) || errors.length === 0) return undefined
    return { kind: 'GraphQL errors', errors: graphqlErrorFacts(errors, redactor) }
  }

const errorFacts = (error: unknown, redactor: Redactor): GraphqlErrorFacts => {
  if (!isPlainObject(error)) return { shape: 'not an object' }
  const path = pathOf(error.path)
  const code = isPlainObject(error.extensions) ? error.extensions.code : undefined
  return {
    shape: 'object',
    message:
      typeof error.message === 'string'
        ? quoteServerText(error.message, redactor, MAX_MESSAGE_LENGTH)
        : undefined,
    path: path !== undefined ? quoteServerText(path, redactor, MAX_PATH_LENGTH) : undefined,
    location: firstSourceLocation(error.locations),
    code: typeof code === 'string' ? quoteServerText(code, redactor, MAX_CODE_LENGTH) : undefined,
  }
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

/** The first of `locations` (GraphQL spec §7.1.2: line and column, from 1). */
const firstSourceLocation = (locations: unknown): { line: number; column: number } | undefined => {
  const [first] = Array.isArray(locations) ? (locations as unknown[]) : []
  if (!isPlainObject(first)) return undefined
  const { line, column } = first
  return typeof line === 'number' && typeof column === 'number' ? { line, column } : undefined
}
