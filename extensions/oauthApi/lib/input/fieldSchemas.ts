import { z, type ZodTypeAny } from 'zod'
import { InputProblem, type ValueParser } from './objectOfParsers'

/**
 * Zod schemas of action fields, as Studio sends them: an emptied input arrives as '' (or null),
 * which means "not set"; TEXT and STRING values are trimmed. Each states its rule in its error
 * message ("must be one of GET, POST…"), which input/parseInput.ts quotes after the field's name.
 * Where Zod cannot say a rule (a bounded JSON object read in one pass, a GraphQL document), a
 * named value parser does, wrapped by `parsedBy`.
 */

/** '' (after trimming) and null are "not set"; text is trimmed; anything else as it is. */
const trimmedOrUnset = (value: unknown): unknown => {
  if (value === null) return undefined
  if (typeof value !== 'string') return value
  const trimmed = value.trim()
  return trimmed === '' ? undefined : trimmed
}

const received = (type: string): string =>
  type === 'array' ? 'an array' : type === 'null' ? 'null' : `a ${type}`

/** The wording of a value of the wrong type (and of a missing one), for every schema here. */
const typeRule = (expected: string): z.RawCreateParams => ({
  errorMap: (issue, context) => {
    if (issue.code !== z.ZodIssueCode.invalid_type) return { message: context.defaultError }
    if (issue.received === 'undefined') return { message: 'is required' }
    return { message: `must be ${expected}, not ${received(issue.received)}` }
  },
})

/** Optional text, trimmed. */
export const optionalText = z.preprocess(trimmedOrUnset, z.string(typeRule('text')).optional())

/** Text of at most `maxLength` characters, trimmed, required. */
export const requiredText = (maxLength: number) =>
  z.preprocess(
    trimmedOrUnset,
    z.string(typeRule('text')).max(maxLength, `is longer than ${maxLength} characters`),
  )

/** Text sent as it is (not trimmed), at most `maxLength` characters; '' and null are unset. */
export const rawText = (maxLength: number) =>
  z.preprocess(
    (value) => (value === '' || value === null ? undefined : value),
    z.string(typeRule('text')).max(maxLength, `is longer than ${maxLength} characters`).optional(),
  )

/** One of `values` (in upper case when `upperCase`); unset gives the fallback. */
export const choice = <T extends string>(
  values: readonly [T, ...T[]],
  fallback: T,
  options: { upperCase?: boolean } = {},
) => {
  const rule = `must be one of ${values.join(', ')}`
  return z.preprocess(
    (value) => {
      const text = trimmedOrUnset(value)
      return options.upperCase === true && typeof text === 'string' ? text.toUpperCase() : text
    },
    z.enum(values, { errorMap: () => ({ message: rule }) }).default(fallback),
  )
}

/** A BOOLEAN field: a boolean, or "true"/"false" from callers that send text; unset = fallback. */
export const flag = (fallback: boolean) =>
  z.preprocess(
    (value) => (value === 'true' ? true : value === 'false' ? false : trimmedOrUnset(value)),
    z.boolean({ errorMap: () => ({ message: 'must be true or false' }) }).default(fallback),
  )

/** A NUMERIC field: a whole number from min to max (or its digits as text); unset = fallback. */
export const wholeNumber = (fallback: number, min: number, max: number) => {
  const rule = `must be a whole number from ${min} to ${max}`
  return z.preprocess(
    (value) => {
      const text = trimmedOrUnset(value)
      return typeof text === 'string' && /^\d{1,9}$/.test(text) ? Number(text) : text
    },
    z
      .number({ errorMap: () => ({ message: rule }) })
      .int(rule)
      .min(min, rule)
      .max(max, rule)
      .default(fallback),
  )
}

/** An ISO-8601 date-time (as the expiresAt data point holds it), in epoch ms. */
export const isoDateTime = z.preprocess(
  trimmedOrUnset,
  z
    .string(typeRule('text'))
    .regex(/^\d{4}-\d{2}-\d{2}T/, 'must be an ISO-8601 date-time')
    .refine((text) => !Number.isNaN(Date.parse(text)), 'must be an ISO-8601 date-time')
    .transform((text) => Date.parse(text))
    .optional(),
)

const statusesOf = (text: string): string[] =>
  text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')

/** Comma-separated HTTP error statuses, e.g. "401, 403"; unset = fallback. */
export const statusList = (fallback: readonly number[]) =>
  z.preprocess(
    trimmedOrUnset,
    z
      .string(typeRule('text'))
      .refine((text) => {
        const statuses = statusesOf(text)
        return statuses.length > 0 && statuses.every((status) => /^[45]\d\d$/.test(status))
      }, 'must be comma-separated HTTP statuses from 400 to 599, e.g. "401, 403"')
      .transform((text): ReadonlySet<number> => new Set(statusesOf(text).map(Number)))
      .optional()
      .transform((statuses): ReadonlySet<number> => statuses ?? new Set(fallback)),
  )

/** A rule Zod cannot say, in a named value parser: its InputProblem becomes the field's issue. */
export const parsedBy = <T>(parser: ValueParser<T>) =>
  z.unknown().transform((value, context): T => {
    try {
      return parser(value)
    } catch (error) {
      if (!(error instanceof InputProblem)) throw error
      context.addIssue({ code: z.ZodIssueCode.custom, message: error.message })
      return z.NEVER
    }
  })

/**
 * The fields' object with the rules that span several fields: `build` makes the action's input
 * from the parsed fields and throws an InputProblem naming the field at fault.
 */
export const withRules = <S extends ZodTypeAny, Out>(
  schema: S,
  build: (parsed: z.output<S>) => Out,
) =>
  schema.transform((parsed: z.output<S>, context): Out => {
    try {
      return build(parsed)
    } catch (error) {
      if (!(error instanceof InputProblem)) throw error
      context.addIssue({
        code: z.ZodIssueCode.custom,
        path: error.key !== undefined ? [error.key] : [],
        message: error.message,
      })
      return z.NEVER
    }
  })
