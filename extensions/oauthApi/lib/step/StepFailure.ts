import { HTTP_ERROR_CODES } from '../http/HttpError'

/**
 * The stable, machine-readable codes of every failure an action reports. They are logged with
 * each failure and asserted by the tests; run/describeFailure.ts maps each to an Awell error
 * category and is the only place that words which field or setting is at fault.
 */
export const FAILURE_CODES = [
  // Input, found before anything is sent.
  'INVALID_SETTING',
  'INVALID_FIELD',
  'PATH_OUTSIDE_BASE',
  'HEADER_REFUSED',
  // The authorization server.
  'DISCOVERY_FAILED',
  'TOKEN_REQUEST_REFUSED',
  'TOKEN_ENDPOINT_FAILED',
  'TOKEN_RESPONSE_INVALID',
  'TOKEN_TYPE_UNSUPPORTED',
  'TOKEN_REDIRECT_REFUSED',
  // The API.
  'API_CLIENT_ERROR',
  'API_SERVER_ERROR',
  'API_REDIRECT_REFUSED',
  'API_RESPONSE_INVALID',
  // A GraphQL API: errors in a 2xx answer, or an answer that is not a GraphQL response.
  'GRAPHQL_ERRORS',
  'GRAPHQL_RESPONSE_INVALID',
  'PAGE_OUTSIDE_BASE',
  // The step's own limits.
  'RATE_LIMITED',
  // The API refused the token, and the token endpoint handed out the same one again.
  'TOKEN_NOT_RENEWED',
  // The transport (http/HttpError.ts).
  ...HTTP_ERROR_CODES,
  // A bug of ours.
  'INTERNAL',
] as const

export type FailureCode = (typeof FAILURE_CODES)[number]

/** The setting or field a failure is about, when it is about one. */
export type FailureSubject = { setting: string } | { field: string }

/** Which server a failure is about. */
type FailureSite = 'token endpoint' | 'discovery' | 'API'

/**
 * The facts of a failure, as fields, for whoever reads them (run/describeFailure.ts words the
 * sentence from them; checkConnection's advice picks what to check). Server text in them is
 * already scrubbed of the run's secrets and cut short (secrets/quoteServerText.ts).
 */
export interface FailureFacts {
  /** Which server answered (or failed to). */
  site?: FailureSite
  /** The HTTP status it answered with. */
  status?: number
  /** RFC 6749 §5.2 `error`, quoted. */
  oauthError?: string
  /** RFC 6749 §5.2 `error_description`, quoted. */
  oauthErrorDescription?: string
  /** The server's own words (a body excerpt) when it gave no §5.2 error, quoted. */
  serverText?: string
  /** How many times the request was sent in all. */
  attempts?: number
  /** Why it was not sent again, or what else the sentence should say ("tried 3 times"). */
  note?: string
  /** What to check, appended to the sentence (checkConnection's advice). */
  advice?: string
}

/**
 * A failure that this project describes itself. `detail` is written by this project — never
 * copied from a raw HTTP-client error — and is scrubbed of secrets again before it leaves the
 * run; it does not name the setting or field (`subject` does), nor the category. `facts` carry
 * what the failure is made of, as fields; run/describeFailure.ts words the sentence of a failure
 * built from facts (`StepFailure.tokenEndpoint`), and appends the advice of any.
 */
export class StepFailure extends Error {
  constructor(
    readonly code: FailureCode,
    readonly detail: string,
    readonly subject?: FailureSubject,
    readonly facts: Readonly<FailureFacts> = {},
  ) {
    super(detail)
    this.name = 'StepFailure'
  }

  /** The same failure with advice on what to check. */
  withAdvice(advice: string): StepFailure {
    return new StepFailure(this.code, this.detail, this.subject, { ...this.facts, advice })
  }

  /**
   * RFC 6749 §5.2: the token endpoint answered with an error status. 4xx: it refused the
   * request (TOKEN_REQUEST_REFUSED); anything else: it failed (TOKEN_ENDPOINT_FAILED).
   */
  static tokenEndpoint(
    facts: Readonly<FailureFacts> & { status: number; attempts: number },
  ): StepFailure {
    const all = { ...facts, site: 'token endpoint' as const }
    return new StepFailure(
      tokenEndpointRefused(all) ? 'TOKEN_REQUEST_REFUSED' : 'TOKEN_ENDPOINT_FAILED',
      // The sentence is run/describeFailure.ts's, from the facts.
      `The token endpoint answered HTTP ${facts.status}`,
      undefined,
      all,
    )
  }
}

/**
 * RFC 6749 §5.2: whether the token endpoint refused the request (the client's to fix) rather than
 * failed. An OAuth `error` is the server refusing, whatever status below 500 it came with (a 200
 * with {"error": "invalid_client"}); a 5xx is the server failing, error or not — its error is
 * still quoted.
 */
export const tokenEndpointRefused = (facts: Readonly<FailureFacts>): boolean => {
  const status = facts.status ?? 0
  return status < 500 && (facts.oauthError !== undefined || status >= 400)
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
