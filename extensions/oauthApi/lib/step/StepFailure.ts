import { HTTP_ERROR_CODES } from '../http/HttpError'
import type { FailureFacts, InputFacts, TokenErrorFacts } from './failureFacts'

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

/**
 * A failure that this project describes itself, made of facts (step/failureFacts.ts): its code
 * and the setting or field it is about follow from them, and run/describeFailure.ts words its
 * sentence from them — nothing here is worded, nor copied from a raw HTTP-client error. `advice`
 * (checkConnection's) is what to check, appended to the sentence.
 */
export class StepFailure extends Error {
  readonly code: FailureCode
  readonly subject: FailureSubject | undefined

  constructor(
    readonly facts: Readonly<FailureFacts>,
    readonly advice?: string,
  ) {
    const code = failureCode(facts)
    // For a stack trace only: the sentence is run/'s.
    super(`${code} (${facts.kind})`)
    this.code = code
    this.subject = failureSubject(facts)
    this.name = 'StepFailure'
  }

  /** The same failure with advice on what to check. */
  withAdvice(advice: string): StepFailure {
    return new StepFailure(this.facts, advice)
  }
}

/** Several settings or fields at fault at once (a schema's issues), each with its problem. */
export class InputFailure extends StepFailure {
  declare readonly facts: Readonly<InputFacts>

  constructor(
    readonly kind: 'setting' | 'field',
    readonly issues: ReadonlyArray<{ key: string; problem: string }>,
  ) {
    super({ kind: 'input', of: kind, issues })
    this.message = issues.map((issue) => issue.problem).join('; ')
    this.name = 'InputFailure'
  }
}

export const fieldFailure = (field: string, problem: string): InputFailure =>
  new InputFailure('field', [{ key: field, problem }])

/** The code each kind of failure is reported with. */
const failureCode = (facts: Readonly<FailureFacts>): FailureCode => {
  switch (facts.kind) {
    case 'input':
      return facts.of === 'setting' ? 'INVALID_SETTING' : 'INVALID_FIELD'
    case 'token error':
      return tokenEndpointRefused(facts) ? 'TOKEN_REQUEST_REFUSED' : 'TOKEN_ENDPOINT_FAILED'
    case 'token response':
      return facts.problem === 'token type' ? 'TOKEN_TYPE_UNSUPPORTED' : 'TOKEN_RESPONSE_INVALID'
    case 'token redirect':
      return 'TOKEN_REDIRECT_REFUSED'
    case 'transport':
      return facts.transport.code
    case 'discovery':
      return 'DISCOVERY_FAILED'
    case 'API answer':
      return facts.tokenNotRenewed === true ? 'TOKEN_NOT_RENEWED' : apiStatusCode(facts.status)
    case 'API body invalid':
      return 'API_RESPONSE_INVALID'
    case 'GraphQL response invalid':
      return 'GRAPHQL_RESPONSE_INVALID'
    case 'GraphQL errors':
      return 'GRAPHQL_ERRORS'
    case 'pages too large':
      return 'TOO_LARGE'
    case 'page outside base':
      return 'PAGE_OUTSIDE_BASE'
    case 'path outside base':
      return 'PATH_OUTSIDE_BASE'
    case 'header refused':
      return 'HEADER_REFUSED'
    case 'rate limited':
      return 'RATE_LIMITED'
  }
}

/**
 * RFC 6749 §5.2: whether the token endpoint refused the request (the client's to fix) rather than
 * failed. An OAuth `error` is the server refusing, whatever status below 500 it came with (a 200
 * with {"error": "invalid_client"}); a 5xx is the server failing, error or not — its error is
 * still quoted.
 */
const tokenEndpointRefused = (facts: Readonly<TokenErrorFacts>): boolean =>
  facts.status < 500 && (facts.oauthError !== undefined || facts.status >= 400)

/** An API's failed answer: 5xx the server's fault, 3xx a redirect not followed, else 4xx. */
const apiStatusCode = (status: number): FailureCode =>
  status >= 500 ? 'API_SERVER_ERROR' : status < 400 ? 'API_REDIRECT_REFUSED' : 'API_CLIENT_ERROR'

/** The setting or field at fault, for the kinds that have one. */
const failureSubject = (facts: Readonly<FailureFacts>): FailureSubject | undefined => {
  switch (facts.kind) {
    case 'input': {
      const key = facts.issues[0]?.key ?? ''
      return facts.of === 'setting' ? { setting: key } : { field: key }
    }
    case 'discovery':
      return { setting: 'issuerUrl' }
    case 'rate limited':
      return { setting: 'maxRequestsPerMinute' }
    case 'path outside base':
    case 'header refused':
      return { field: facts.field }
    default:
      return undefined
  }
}
