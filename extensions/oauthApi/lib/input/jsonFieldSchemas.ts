import { z } from 'zod'

/**
 * JSON fields arrive from Studio as strings (and from other callers as values): both are
 * accepted. '' and whitespace mean "not set".
 */
export const jsonFieldValue = z.unknown().transform((value, ctx): unknown => {
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string') return value
  if (value.trim() === '') return undefined
  try {
    return JSON.parse(value)
  } catch {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'is not valid JSON' })
    return z.NEVER
  }
})

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value)

/**
 * A JSON object field read as name/value pairs: each entry's value (or each item of an array
 * value, when `arraysRepeat`) must pass `isValue`; the issue names the entry at fault.
 */
const namedValuesField = (options: {
  isValue: (value: unknown) => boolean
  problem: (name: string) => string
  arraysRepeat: boolean
}) =>
  jsonFieldValue.transform((value, ctx): Array<[string, string]> => {
    if (value === undefined) return []
    if (!isPlainObject(value)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be a JSON object' })
      return z.NEVER
    }
    const pairs: Array<[string, string]> = []
    for (const [name, entry] of Object.entries(value)) {
      const items: unknown[] = options.arraysRepeat && Array.isArray(entry) ? entry : [entry]
      for (const item of items) {
        if (!options.isValue(item)) {
          ctx.addIssue({ code: z.ZodIssueCode.custom, message: options.problem(name.slice(0, 60)) })
          return z.NEVER
        }
        pairs.push([name, String(item)])
      }
    }
    return pairs
  })

const isFiniteNumber = (value: unknown): boolean =>
  typeof value === 'number' && Number.isFinite(value)

/** A query object: string, number or boolean values, or arrays of them (repeated parameters). */
export const queryField = namedValuesField({
  isValue: (value) =>
    typeof value === 'string' || typeof value === 'boolean' || isFiniteNumber(value),
  problem: (name) => `value of "${name}" must be a string or a number`,
  arraysRepeat: true,
})

/** A headers object: string values (numbers are turned into strings). */
export const headersField = namedValuesField({
  isValue: (value) => typeof value === 'string' || isFiniteNumber(value),
  problem: (name) => `value of header "${name}" must be a string`,
  arraysRepeat: false,
})

/** Optional text: '' and whitespace mean "not set". */
export const optionalTextField = z
  .string()
  .optional()
  .nullable()
  .transform((value) =>
    value === undefined || value === null || value.trim() === '' ? undefined : value.trim(),
  )

/**
 * A BOOLEAN field: a boolean, or "true"/"false" from callers that send text; unset = fallback.
 * One transform rather than a union: a union tries its options in turn, and each that does not
 * match builds an issue (message and all), which made an unset field cost more than the others.
 */
export const booleanField = (fallback: boolean) =>
  z.unknown().transform((value, ctx): boolean => {
    if (value === true || value === 'true') return true
    if (value === false || value === 'false') return false
    if (value === undefined || value === null || value === '') return fallback
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be true or false' })
    return z.NEVER
  })
