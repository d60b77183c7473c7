import { isExactNumber, parseJsonExactly, stringifyJson, UnrepresentableNumber } from './exactJson'
import { InputProblem, type ValueParser } from './objectOfParsers'

/**
 * Small parsers of single setting and field values. Settings arrive as strings or undefined;
 * fields as their Studio type (JSON fields as strings). '' and whitespace mean "not set", as
 * Studio sends an emptied input as ''.
 */
const problem = (message: string): never => {
  throw new InputProblem(message)
}

/** A setting's text: a string or undefined (settings are never anything else). */
export const optionalText: ValueParser<string | undefined> = (value) => {
  if (value === undefined) return undefined
  if (typeof value !== 'string') return problem(`must be text, not ${typeName(value)}`)
  const trimmed = value.trim()
  return trimmed === '' ? undefined : trimmed
}

export const requiredText: ValueParser<string> = (value) =>
  optionalText(value) ?? problem('is required')

/** A TEXT field's value: like a setting's, but an unset field may also arrive as null. */
export const optionalFieldText: ValueParser<string | undefined> = (value) =>
  value === null ? undefined : optionalText(value)

export const oneOf =
  <T extends string>(values: readonly T[], fallback: T): ValueParser<T> =>
  (value) => {
    const text = optionalText(value)
    if (text === undefined) return fallback
    return (values as readonly string[]).includes(text)
      ? (text as T)
      : problem(`must be one of ${values.join(', ')}`)
  }

export const numberInRange =
  (fallback: number, min: number, max: number): ValueParser<number> =>
  (value) => {
    const text = optionalText(value)
    if (text === undefined) return fallback
    if (!/^\d+(\.\d+)?$/.test(text)) return problem('must be a number')
    const number = Number(text)
    return number >= min && number <= max ? number : problem(`must be between ${min} and ${max}`)
  }

/**
 * A whole number from min to max: a NUMERIC field's number, or the text of a setting; unset
 * (undefined, null, '') gives the fallback.
 */
export const wholeNumberInRange =
  <F extends number | undefined>(fallback: F, min: number, max: number): ValueParser<number | F> =>
  (value) => {
    if (value === undefined || value === null) return fallback
    const text = typeof value === 'number' ? String(value) : optionalText(value)
    if (text === undefined) return fallback
    if (!/^\d{1,9}$/.test(text)) return problem(`must be a whole number from ${min} to ${max}`)
    const number = Number(text)
    return number >= min && number <= max
      ? number
      : problem(`must be a whole number from ${min} to ${max}`)
  }

/** A BOOLEAN field: a boolean, or "true"/"false" from callers that send text; unset = fallback. */
export const booleanValue =
  (fallback: boolean): ValueParser<boolean> =>
  (value) => {
    if (value === true || value === 'true') return true
    if (value === false || value === 'false') return false
    if (value === undefined || value === null || value === '') return fallback
    return problem('must be true or false')
  }

/**
 * A JSON field: a JSON string from Studio, or the value itself from other callers. Numbers keep
 * their digits (exactJson.ts); one beyond a double's range (1e400) is refused rather than sent
 * as something else.
 */
export const jsonValue: ValueParser<unknown> = (value) => {
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string') return value
  if (value.trim() === '') return undefined
  try {
    return parseJsonExactly(value, { refuseUnrepresentable: true })
  } catch (error) {
    if (error instanceof UnrepresentableNumber) return problem(`has ${error.message}`)
    return problem('is not valid JSON')
  }
}

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value)

/** A number: finite, or one kept with all its digits (exactJson.ts). */
const isFiniteNumber = (value: unknown): boolean =>
  (typeof value === 'number' && Number.isFinite(value)) || isExactNumber(value)

/** Bounds of a JSON object field read as name/value pairs; beyond them it is refused. */
export interface PairLimits {
  /** Entries in all (each item of a repeated parameter counts). */
  maxEntries: number
  /** Characters of one value. */
  maxValueLength: number
  /** Characters of all names and values together. */
  maxTotalLength: number
}

/**
 * A JSON object field read as name/value pairs: each entry's value (or each item of an array
 * value, when `arraysRepeat`) must pass `isValue`; the problem names the entry at fault. Work
 * stops at the first entry beyond the limits, so a field with a million entries costs no more
 * than reading it.
 */
const namedValues =
  (options: {
    isValue: (value: unknown) => boolean
    problem: (name: string) => string
    arraysRepeat: boolean
    /** "headers", "parameters": for the problems about the limits. */
    noun: string
    limits: PairLimits
  }): ValueParser<Array<[string, string]>> =>
  (value) => {
    const { limits, noun } = options
    if (typeof value === 'string' && value.length > limits.maxTotalLength * 2) {
      return problem(`is longer than ${limits.maxTotalLength * 2} characters`)
    }
    const object = jsonValue(value)
    if (object === undefined) return []
    if (!isPlainObject(object)) return problem('must be a JSON object')
    const pairs: Array<[string, string]> = []
    let total = 0
    for (const [name, entry] of Object.entries(object)) {
      const items: unknown[] = options.arraysRepeat && Array.isArray(entry) ? entry : [entry]
      for (const item of items) {
        if (!options.isValue(item)) return problem(options.problem(name.slice(0, 60)))
        const text = String(item)
        if (pairs.length >= limits.maxEntries) {
          return problem(`has more than ${limits.maxEntries} ${noun}`)
        }
        if (text.length > limits.maxValueLength) {
          return problem(
            `value of "${name.slice(0, 60)}" is longer than ${limits.maxValueLength} characters`,
          )
        }
        total += name.length + text.length
        if (total > limits.maxTotalLength) {
          return problem(`${noun} are longer than ${limits.maxTotalLength} characters in all`)
        }
        pairs.push([name, text])
      }
    }
    return pairs
  }

/** A query object: string, number or boolean values, or arrays of them (repeated parameters). */
export const queryPairs = (limits: PairLimits): ValueParser<Array<[string, string]>> =>
  namedValues({
    isValue: (value) =>
      typeof value === 'string' || typeof value === 'boolean' || isFiniteNumber(value),
    problem: (name) => `value of "${name}" must be a string or a number`,
    arraysRepeat: true,
    noun: 'parameters',
    limits,
  })

/**
 * A headers object: string values (numbers are turned into strings). Header names are
 * case-insensitive (RFC 9110 §5.1): two names that differ only in letter case would be one
 * header, and one of the values lost, so they are refused.
 */
export const headerPairs = (limits: PairLimits): ValueParser<Array<[string, string]>> => {
  const pairs = namedValues({
    isValue: (value) => typeof value === 'string' || isFiniteNumber(value),
    problem: (name) => `value of header "${name}" must be a string`,
    arraysRepeat: false,
    noun: 'headers',
    limits,
  })
  return (value) => {
    const parsed = pairs(value)
    const seen = new Map<string, string>()
    for (const [name] of parsed) {
      const earlier = seen.get(name.toLowerCase())
      if (earlier !== undefined) {
        return problem(
          `has "${earlier.slice(0, 60)}" and "${name.slice(0, 60)}", one header (names are case-insensitive, RFC 9110 §5.1); keep one`,
        )
      }
      seen.set(name.toLowerCase(), name)
    }
    return parsed
  }
}

/** Text of at most `maxLength` characters, required. */
export const boundedRequiredText =
  (maxLength: number): ValueParser<string> =>
  (value) => {
    const text = requiredText(value)
    return text.length > maxLength ? problem(`is longer than ${maxLength} characters`) : text
  }

/** A JSON value to send, parsed and serialized once. */
export interface JsonDocument {
  value: unknown
  /** Its JSON text. */
  text: string
}

/**
 * A JSON field to be sent: at most `maxBytes` as JSON text (before and after parsing) and nested
 * at most `maxDepth` levels. The depth and size are measured without recursion, before anything
 * is serialized (JSON.stringify overflows the stack on a deep enough value), and the walk stops
 * as soon as a bound is passed: linear time in the input, whatever its shape.
 */
export const boundedJson = (limits: {
  maxBytes: number
  maxDepth: number
}): ValueParser<JsonDocument | undefined> => {
  const tooLarge = `is larger than ${formatSize(limits.maxBytes)}`
  return (value) => {
    if (typeof value === 'string' && value.length > limits.maxBytes) return problem(tooLarge)
    const parsed = jsonValue(value)
    if (parsed === undefined) return undefined
    const shape = measureJson(parsed, limits)
    if (shape === 'TOO_DEEP') return problem(`is nested deeper than ${limits.maxDepth} levels`)
    if (shape === 'TOO_LARGE') return problem(tooLarge)
    let text: string | undefined
    try {
      text = stringifyJson(parsed)
    } catch {
      text = undefined
    }
    if (text === undefined) return problem('is not a JSON value')
    if (Buffer.byteLength(text) > limits.maxBytes) return problem(tooLarge)
    return { value: parsed, text }
  }
}

/**
 * Walks a JSON value without recursion: 'TOO_DEEP' past maxDepth containers, 'TOO_LARGE' once
 * an estimate of its JSON size passes maxBytes (each node costs at least one byte, so shared or
 * cyclic references end the walk too), else 'OK'.
 */
const measureJson = (
  root: unknown,
  limits: { maxBytes: number; maxDepth: number },
): 'OK' | 'TOO_DEEP' | 'TOO_LARGE' => {
  const stack: Array<[unknown, number]> = [[root, 0]]
  let budget = limits.maxBytes
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const [node, depth] = next
    if (isExactNumber(node)) {
      budget -= node.value.length
    } else if (node === null || typeof node !== 'object') {
      budget -= typeof node === 'string' ? node.length + 2 : 1
    } else {
      if (depth >= limits.maxDepth) return 'TOO_DEEP'
      budget -= 2
      if (Array.isArray(node)) {
        for (const item of node as unknown[]) {
          budget -= 1
          stack.push([item, depth + 1])
        }
      } else {
        for (const [key, item] of Object.entries(node)) {
          budget -= key.length + 4
          stack.push([item, depth + 1])
        }
      }
    }
    if (budget < 0) return 'TOO_LARGE'
  }
  return 'OK'
}

const formatSize = (bytes: number): string =>
  bytes >= 1024 * 1024 ? `${+(bytes / (1024 * 1024)).toFixed(2)} MB` : `${bytes} bytes`

/** An ISO-8601 date-time, as the expiresAt data point holds it, in epoch ms. */
export const isoDateTime: ValueParser<number | undefined> = (value) => {
  const text = optionalFieldText(value)
  if (text === undefined) return undefined
  const ms = /^\d{4}-\d{2}-\d{2}T/.test(text) ? Date.parse(text) : Number.NaN
  return Number.isNaN(ms) ? problem('must be an ISO-8601 date-time') : ms
}

/** Comma-separated HTTP error statuses, e.g. "401, 403". */
export const statusList =
  (fallback: number[]): ValueParser<Set<number>> =>
  (value) => {
    const text = optionalFieldText(value)
    if (text === undefined) return new Set(fallback)
    const statuses = text
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== '')
    if (statuses.length === 0 || !statuses.every((status) => /^[45]\d\d$/.test(status))) {
      return problem('must be comma-separated HTTP statuses from 400 to 599, e.g. "401, 403"')
    }
    return new Set(statuses.map(Number))
  }

const typeName = (value: unknown): string =>
  Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`
