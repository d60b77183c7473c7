import { InputProblem, type ValueParser } from '../input/objectOfParsers'
import { isPlainObject } from '../input/valueParsers'
import { FRAMING_HEADERS, isHeaderName, isSendableHeaderValue } from './headerSafety'

/**
 * Fixed headers sent beside the token with every API request of a connection (Dock Health's
 * `x-api-key`, `x-user-id`, `x-organization-id`; Healthie's `AuthorizationSource: API`): every
 * page, every retry, the repeat after a renewal — never with a token request, never outside the
 * API base URL. Their values are secrets to the redactor. Keyed by lower-case name.
 */
export type ApiHeaders = ReadonlyMap<string, readonly [name: string, value: string]>

export const NO_API_HEADERS: ReadonlyMap<string, readonly [string, string]> = new Map()

const MAX_HEADERS = 50
const MAX_VALUE_LENGTH = 8192

/** The apiHeaders setting: a JSON object of header names and string values, or unset. */
export const apiHeaders: ValueParser<ApiHeaders> = (value) => {
  // A secret: taken as it is, '' and blanks meaning "not set".
  if (value === undefined || (typeof value === 'string' && value.trim() === ''))
    return NO_API_HEADERS
  if (typeof value !== 'string') throw new InputProblem('must be text')
  const text = value
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    parsed = undefined
  }
  // The value is a secret: no problem quotes it.
  if (!isPlainObject(parsed)) {
    throw new InputProblem(
      'must be a JSON object of header names and values, e.g. {"x-api-key":"…"}',
    )
  }
  const entries = Object.entries(parsed)
  if (entries.length > MAX_HEADERS) throw new InputProblem(`has more than ${MAX_HEADERS} headers`)
  const headers = new Map<string, readonly [string, string]>()
  for (const [name, headerValue] of entries) {
    const shownName = JSON.stringify(name.slice(0, 60))
    if (!isHeaderName(name)) {
      throw new InputProblem(`header name ${shownName} is not a valid token (RFC 9110 §5.1)`)
    }
    const key = name.toLowerCase()
    if (FRAMING_HEADERS.has(key)) {
      throw new InputProblem(`may not set "${name}" (the HTTP client sets it)`)
    }
    if (headers.has(key))
      throw new InputProblem(`sets ${shownName} twice (names are case-insensitive)`)
    if (typeof headerValue !== 'string') {
      throw new InputProblem(`the value of ${shownName} must be a string`)
    }
    if (headerValue.length > MAX_VALUE_LENGTH || !isSendableHeaderValue(headerValue)) {
      throw new InputProblem(
        `the value of ${shownName} has a control character (CR, LF or similar), a non-Latin-1 character, or is longer than ${MAX_VALUE_LENGTH} characters`,
      )
    }
    headers.set(key, [name, headerValue])
  }
  return headers
}

/** The values, for the run's redactor. */
export const apiHeaderValues = (headers: ApiHeaders): string[] =>
  [...headers.values()].map(([, value]) => value)
