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

const refused = (field: string, problem: string): StepFailure =>
  new StepFailure('HEADER_REFUSED', problem, { field })

export const assertSafeHeader = (name: string, value: string, field = 'headers'): void => {
  if (!HEADER_NAME.test(name)) {
    throw refused(field, `header name ${JSON.stringify(name.slice(0, 60))} is not a valid token`)
  }
  if (FORBIDDEN_HEADERS.has(name.toLowerCase())) {
    throw refused(field, `header "${name}" cannot be set (the extension sets it)`)
  }
  if (CONTROL_CHARACTERS.test(value)) {
    throw refused(
      field,
      `header "${name}" has a control character (CR, LF or similar) in its value`,
    )
  }
  if (BEYOND_LATIN1.test(value)) {
    throw refused(
      field,
      `header "${name}" has a character beyond Latin-1 (e.g. € or an emoji) in its value, which cannot be sent unchanged; percent-encode it`,
    )
  }
}
