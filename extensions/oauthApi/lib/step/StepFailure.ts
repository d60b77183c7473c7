import type { HttpErrorCode } from '../http/HttpError'

/**
 * The stable, machine-readable codes of every failure an action reports. They are logged with
 * each failure and asserted by the tests; run/describeFailure.ts maps each to an Awell error
 * category and is the only place that words which field or setting is at fault.
 */
export type FailureCode =
  // Input, found before anything is sent.
  | 'INVALID_SETTING'
  | 'INVALID_FIELD'
  | 'PATH_OUTSIDE_BASE'
  | 'HEADER_REFUSED'
  // The authorization server.
  | 'DISCOVERY_FAILED'
  | 'TOKEN_REQUEST_REFUSED'
  | 'TOKEN_ENDPOINT_FAILED'
  | 'TOKEN_RESPONSE_INVALID'
  | 'TOKEN_TYPE_UNSUPPORTED'
  | 'TOKEN_REDIRECT_REFUSED'
  // The API.
  | 'API_CLIENT_ERROR'
  | 'API_SERVER_ERROR'
  | 'API_REDIRECT_REFUSED'
  | 'API_RESPONSE_INVALID'
  // A GraphQL API: errors in a 2xx answer, or an answer that is not a GraphQL response.
  | 'GRAPHQL_ERRORS'
  | 'GRAPHQL_RESPONSE_INVALID'
  | 'PAGE_OUTSIDE_BASE'
  // The step's own limits.
  | 'RATE_LIMITED'
  // The API refused the token, and the token endpoint handed out the same one again.
  | 'TOKEN_NOT_RENEWED'
  // The transport (http/HttpError.ts).
  | HttpErrorCode
  // A bug of ours.
  | 'INTERNAL'

/** The setting or field a failure is about, when it is about one. */
export type FailureSubject = { setting: string } | { field: string }

/**
 * A failure that this project describes itself. `detail` is written by this project — never
 * copied from a raw HTTP-client error — and is scrubbed of secrets again before it leaves the
 * run; it does not name the setting or field (`subject` does), nor the category.
 */
export class StepFailure extends Error {
  constructor(
    readonly code: FailureCode,
    readonly detail: string,
    readonly subject?: FailureSubject,
  ) {
    super(detail)
    this.name = 'StepFailure'
  }
}

/** Several settings or fields at fault at once (a schema's issues), each with its problem. */
export class InputFailure extends StepFailure {
  constructor(
    readonly kind: 'setting' | 'field',
    readonly issues: ReadonlyArray<{ key: string; problem: string }>,
  ) {
    super(
      kind === 'setting' ? 'INVALID_SETTING' : 'INVALID_FIELD',
      issues.map((issue) => issue.problem).join('; '),
      kind === 'setting' ? { setting: issues[0]?.key ?? '' } : { field: issues[0]?.key ?? '' },
    )
    this.name = 'InputFailure'
  }
}

export const fieldFailure = (field: string, problem: string): InputFailure =>
  new InputFailure('field', [{ key: field, problem }])
