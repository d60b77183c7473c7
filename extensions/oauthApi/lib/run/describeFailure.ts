import { HttpError } from '../http/HttpError'
import type { InputFacts } from '../step/failureFacts'
import { StepFailure, type FailureCode, type FailureSubject } from '../step/StepFailure'
import { failureSentence } from './failureSentence'
import { transportSentence } from './transportSentence'

/** Awell's error categories (extensions-core ActivityEvent.error.category). */
export type ErrorCategory =
  | 'MISSING_SETTINGS'
  | 'MISSING_FIELDS'
  | 'WRONG_INPUT'
  | 'BAD_REQUEST'
  | 'SERVER_ERROR'
  | 'WRONG_DATA'

/**
 * The one place that turns failures into what the care flow sees. Settings → MISSING_SETTINGS,
 * fields → WRONG_INPUT, the servers' 4xx and GraphQL errors → BAD_REQUEST, their 5xx, malformed answers, timeouts
 * and lost connections → SERVER_ERROR.
 */
export const FAILURE_CATEGORIES: Readonly<Record<FailureCode, ErrorCategory>> = {
  INVALID_SETTING: 'MISSING_SETTINGS',
  DISCOVERY_FAILED: 'MISSING_SETTINGS',
  INVALID_FIELD: 'WRONG_INPUT',
  PATH_OUTSIDE_BASE: 'WRONG_INPUT',
  HEADER_REFUSED: 'WRONG_INPUT',
  TOKEN_REQUEST_REFUSED: 'BAD_REQUEST',
  TOKEN_ENDPOINT_FAILED: 'SERVER_ERROR',
  TOKEN_RESPONSE_INVALID: 'SERVER_ERROR',
  TOKEN_TYPE_UNSUPPORTED: 'SERVER_ERROR',
  TOKEN_REDIRECT_REFUSED: 'SERVER_ERROR',
  API_CLIENT_ERROR: 'BAD_REQUEST',
  API_REDIRECT_REFUSED: 'BAD_REQUEST',
  API_SERVER_ERROR: 'SERVER_ERROR',
  // A 2xx declared JSON whose body does not parse.
  API_RESPONSE_INVALID: 'SERVER_ERROR',
  GRAPHQL_ERRORS: 'BAD_REQUEST',
  GRAPHQL_RESPONSE_INVALID: 'SERVER_ERROR',
  PAGE_OUTSIDE_BASE: 'BAD_REQUEST',
  RATE_LIMITED: 'SERVER_ERROR',
  // The API refuses a token its authorization server keeps issuing: a configuration mismatch
  // (audience, scope, API base URL, the client's rights) more likely than an outage.
  TOKEN_NOT_RENEWED: 'BAD_REQUEST',
  TIMEOUT: 'SERVER_ERROR',
  TOO_LARGE: 'SERVER_ERROR',
  NETWORK: 'SERVER_ERROR',
  TLS: 'SERVER_ERROR',
  // A URL (a setting, a redirect, a discovered endpoint, a next page) into a refused network.
  NETWORK_POLICY: 'SERVER_ERROR',
  INTERNAL: 'SERVER_ERROR',
}

export interface FailureDescription {
  code: FailureCode
  category: ErrorCategory
  message: string
  /** Whether the message was written by this project (safe to show once scrubbed). */
  expected: boolean
}

/** The flat settings' connection: its settings are named by their own keys. */
const DEFAULT_CONNECTION = 'default'

/**
 * Turns anything thrown inside a handler into a code, a category and a message that names the
 * setting or field at fault. Only this project's own failures are described, each from its facts
 * (failureSentence.ts, transportSentence.ts); any other error is a bug of ours and is described
 * by its class name alone, as its message could hold a secret (e.g. a raw HTTP-client error).
 * `connection`: the named connection the step used, once its settings were read: a setting found
 * at fault while the step ran (the issuer's discovery, the rate limit) is then named
 * `connections.<name>.<key>`, as the schema's issues are.
 */
export const describeFailure = (error: unknown, connection?: string): FailureDescription => {
  if (error instanceof StepFailure) {
    const { facts } = error
    if (facts.kind === 'input') return described(error.code, inputMessage(facts))
    const message = aboutSubject(failureSentence(facts, error.code), error.subject, connection)
    return described(
      error.code,
      error.advice !== undefined ? `${message}. ${error.advice}` : message,
    )
  }
  if (error instanceof HttpError) return described(error.code, transportSentence(error.facts))
  const name = error instanceof Error ? error.name : typeof error
  return {
    code: 'INTERNAL',
    category: FAILURE_CATEGORIES.INTERNAL,
    message: `Unexpected internal error (${name}) in the oauthApi extension.`,
    expected: false,
  }
}

/** Each setting or field at fault, with its problem (the schema's words, or the parser's). */
const inputMessage = (facts: InputFacts): string => {
  const kind = facts.of === 'setting' ? 'Setting' : 'Field'
  return facts.issues.map((issue) => `${kind} "${issue.key}": ${issue.problem}`).join('; ')
}

/** The sentence, said of the setting or field it is about, if any. */
const aboutSubject = (
  sentence: string,
  subject: FailureSubject | undefined,
  connection: string | undefined,
): string =>
  subject === undefined
    ? sentence
    : 'setting' in subject
      ? `Setting "${settingName(subject.setting, connection)}": ${sentence}`
      : `Field "${subject.field}": ${sentence}`

const settingName = (key: string, connection: string | undefined): string =>
  connection === undefined || connection === DEFAULT_CONNECTION
    ? key
    : `connections.${connection}.${key}`

const described = (code: FailureCode, message: string): FailureDescription => ({
  code,
  category: FAILURE_CATEGORIES[code],
  message,
  expected: true,
})
