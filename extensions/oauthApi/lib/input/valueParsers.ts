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

/** A secret is taken as it is (spaces may belong to it); only '' means "not set". */
export const optionalSecret: ValueParser<string | undefined> = (value) => {
  if (value === undefined || value === '') return undefined
  if (typeof value !== 'string') return problem(`must be text, not ${typeName(value)}`)
  return value
}

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

/** A JSON field: a JSON string from Studio, or the value itself from other callers. */
export const jsonValue: ValueParser<unknown> = (value) => {
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string') return value
  if (value.trim() === '') return undefined
  try {
    return JSON.parse(value) as unknown
  } catch {
    return problem('is not valid JSON')
  }
}

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value)

const isFiniteNumber = (value: unknown): boolean =>
  typeof value === 'number' && Number.isFinite(value)

/**
 * A JSON object field read as name/value pairs: each entry's value (or each item of an array
 * value, when `arraysRepeat`) must pass `isValue`; the problem names the entry at fault.
 */
const namedValues =
  (options: {
    isValue: (value: unknown) => boolean
    problem: (name: string) => string
    arraysRepeat: boolean
  }): ValueParser<Array<[string, string]>> =>
  (value) => {
    const object = jsonValue(value)
    if (object === undefined) return []
    if (!isPlainObject(object)) return problem('must be a JSON object')
    const pairs: Array<[string, string]> = []
    for (const [name, entry] of Object.entries(object)) {
      const items: unknown[] = options.arraysRepeat && Array.isArray(entry) ? entry : [entry]
      for (const item of items) {
        if (!options.isValue(item)) return problem(options.problem(name.slice(0, 60)))
        pairs.push([name, String(item)])
      }
    }
    return pairs
  }

/** A query object: string, number or boolean values, or arrays of them (repeated parameters). */
export const queryPairs = namedValues({
  isValue: (value) =>
    typeof value === 'string' || typeof value === 'boolean' || isFiniteNumber(value),
  problem: (name) => `value of "${name}" must be a string or a number`,
  arraysRepeat: true,
})

/** A headers object: string values (numbers are turned into strings). */
export const headerPairs = namedValues({
  isValue: (value) => typeof value === 'string' || isFiniteNumber(value),
  problem: (name) => `value of header "${name}" must be a string`,
  arraysRepeat: false,
})

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
