import type { HeaderRefusedFacts } from '../step/failureFacts'
import { StepFailure } from '../step/StepFailure'

/** RFC 9110 §5.1: a header name is a token. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
/** RFC 9110 §5.5: field values hold no CR, LF, NUL or other control characters (HTAB allowed). */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000a-\u001f\u007f]/
/** Header values go out as Latin-1 octets: the HTTP client drops anything beyond U+00FF. */
const BEYOND_LATIN1 = /[^\t\u0020-\u00ff]/

/**
 * Framing is the HTTP client's (RFC 9112 §6), and hop-by-hop headers are not the API's: no step,
 * fixed API header or token template sets them. `expect`: undici refuses it, and nobody here has
 * a use for a 100-continue handshake.
 */
export const FRAMING_HEADERS: ReadonlySet<string> = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'upgrade',
  'te',
  'trailer',
  'keep-alive',
  'expect',
])

/** RFC 9110 §5.1: whether a header name is a token. */
export const isHeaderName = (name: string): boolean => HEADER_NAME.test(name)

/** Whether a header value goes out unchanged: no CR, LF or other control character, Latin-1. */
export const isSendableHeaderValue = (value: string): boolean =>
  !CONTROL_CHARACTERS.test(value) && !BEYOND_LATIN1.test(value)

/** Headers the designer may not set: the token is ours, and framing is the HTTP client's. */
const FORBIDDEN_HEADERS: ReadonlySet<string> = new Set([
  ...FRAMING_HEADERS,
  'authorization',
  'proxy-authorization',
])

/** Why a header cannot be sent as the designer set it; undefined when it can. */
const headerProblem = (name: string, value: string): HeaderRefusedFacts['problem'] | undefined => {
  if (!HEADER_NAME.test(name)) return 'not a token'
  if (FORBIDDEN_HEADERS.has(name.toLowerCase())) return 'set by the extension'
  if (CONTROL_CHARACTERS.test(value)) return 'control character'
  if (BEYOND_LATIN1.test(value)) return 'beyond Latin-1'
  return undefined
}

export const assertSafeHeader = (name: string, value: string, field = 'headers'): void => {
  const problem = headerProblem(name, value)
  if (problem !== undefined) {
    throw new StepFailure({ kind: 'header refused', field, name, problem })
  }
}
