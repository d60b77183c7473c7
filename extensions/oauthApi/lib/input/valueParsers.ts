import { formatBytes } from '../http/formatBytes'
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

/** A JSON value to send: its value, and the JSON text that is sent. */
export interface JsonDocument {
  value: unknown
  /** Its JSON text: the designer's own (trimmed), or the value serialized once. */
  text: string
}

/**
 * A JSON field to be sent: at most `maxBytes` of JSON text in UTF-8, nested at most `maxDepth`
 * levels. A JSON text (what Studio sends) is checked and kept as it is — never serialized, so a
 * large body costs one parse, and an id beyond 2^53 keeps its digits; a value from another caller
 * is measured without recursion before it is serialized once (JSON.stringify overflows the stack
 * on a deep enough value). Linear time in the input, whatever its shape.
 */
export const boundedJson = (limits: {
  maxBytes: number
  maxDepth: number
}): ValueParser<JsonDocument | undefined> => {
  const tooLarge = `is larger than ${formatBytes(limits.maxBytes)}`
  const tooDeep = `is nested deeper than ${limits.maxDepth} levels`
  return (value) => {
    if (typeof value === 'string') {
      if (value.length > limits.maxBytes) return problem(tooLarge)
      const text = value.trim()
      if (text === '') return undefined
      if (Buffer.byteLength(text) > limits.maxBytes) return problem(tooLarge)
      const parsed = jsonValue(text)
      if (nestingDepthExceeds(text, limits.maxDepth)) return problem(tooDeep)
      return { value: parsed, text }
    }
    if (value === undefined || value === null) return undefined
    const shape = measureJson(value, limits)
    if (shape === 'TOO_DEEP') return problem(tooDeep)
    if (shape === 'TOO_LARGE') return problem(tooLarge)
    let text: string | undefined
    try {
      text = stringifyJson(value)
    } catch {
      text = undefined
    }
    if (text === undefined) return problem('is not a JSON value')
    if (Buffer.byteLength(text) > limits.maxBytes) return problem(tooLarge)
    return { value, text }
  }
}

/** Whether valid JSON text nests more than `maxDepth` arrays and objects (RFC 8259 §2), in one pass. */
const nestingDepthExceeds = (text: string, maxDepth: number): boolean => {
  let depth = 0
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code === 0x22) {
      // A string: skip to its closing quote (§7), the first not escaped by an odd number of
      // backslashes; found by indexOf rather than character by character (twice as fast).
      for (;;) {
        i = text.indexOf('"', i + 1)
        if (i === -1) return false
        let backslashes = 0
        while (text.charCodeAt(i - 1 - backslashes) === 0x5c) backslashes++
        if (backslashes % 2 === 0) break
      }
    } else if (code === 0x5b || code === 0x7b) {
      if (++depth > maxDepth) return true
    } else if (code === 0x5d || code === 0x7d) {
      depth--
    }
  }
  return false
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

const typeName = (value: unknown): string =>
  Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`
