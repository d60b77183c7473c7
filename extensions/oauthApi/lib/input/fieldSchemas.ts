import { z, type ZodTypeAny } from 'zod'
import { InputProblem, type ValueParser } from './objectOfParsers'

/**
 * Zod schemas of action fields, read after `fromStudio` has made Studio's values plain (an
 * emptied input arrives as '' or null, which means "not set"; text is trimmed). Each states its rule in its error
 * message ("must be one of GET, POST…"), which input/parseInput.ts quotes after the field's name.
 * Where Zod cannot say a rule (a bounded JSON object read in one pass, a GraphQL document), a
 * named value parser does, wrapped by `parsedBy`.
 */

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

/**
 * The fields as Studio sends them, made plain before the schema reads them: null and '' (after
 * trimming) mean "not set"; text is trimmed, but for the fields sent `asIs` (only '' and null
 * unset there), and upper-cased for the fields in `upperCase`. One pass over the fields rather
 * than one Zod effect per field: in Zod 3 each effect costs a few µs per run.
 */
export const fromStudio = <S extends ZodTypeAny>(
  schema: S,
  options: { asIs?: readonly string[]; upperCase?: readonly string[] } = {},
) =>
  z.preprocess((raw) => {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return raw
    const plain: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(raw)) {
      if (value === null || value === '') continue
      if (typeof value !== 'string' || options.asIs?.includes(key) === true) {
        plain[key] = value
        continue
      }
      const trimmed = value.trim()
      if (trimmed === '') continue
      plain[key] = options.upperCase?.includes(key) === true ? trimmed.toUpperCase() : trimmed
    }
    return plain
  }, schema)

/** Optional text. */
export const optionalText = z.string(typeRule('text')).optional()

/** Text of at most `maxLength` characters, required. */
export const requiredText = (maxLength: number) =>
  z.string(typeRule('text')).max(maxLength, `is longer than ${maxLength} characters`)

/** Optional text of at most `maxLength` characters. */
export const boundedText = (maxLength: number) => requiredText(maxLength).optional()

/** One of `values`; unset gives the fallback. */
export const choice = <T extends string>(values: readonly [T, ...T[]], fallback: T) => {
  const rule = `must be one of ${values.join(', ')}`
  return z.enum(values, { errorMap: () => ({ message: rule }) }).default(fallback)
}

/**
 * A BOOLEAN field: a boolean, or exactly "true"/"false" from callers that send text (list it in
 * fromStudio's `asIs`, so that " true" is not taken); unset = fallback.
 */
export const flag = (fallback: boolean) => {
  const rule = { errorMap: () => ({ message: 'must be true or false' }) }
  return z
    .union([z.boolean(), z.enum(['true', 'false']).transform((text) => text === 'true')], rule)
    .default(fallback)
}

/** A NUMERIC field: a whole number from min to max (or its digits as text); unset = fallback. */
export const wholeNumber = (fallback: number, min: number, max: number) => {
  const rule = `must be a whole number from ${min} to ${max}`
  return z
    .union(
      [
        z.number(),
        z
          .string()
          .regex(/^\d{1,9}$/, rule)
          .transform(Number),
      ],
      {
        errorMap: () => ({ message: rule }),
      },
    )
    .pipe(z.number().int(rule).min(min, rule).max(max, rule))
    .default(fallback)
}

/** An ISO-8601 date-time (as the expiresAt data point holds it), in epoch ms. */
export const isoDateTime = z
  .string(typeRule('text'))
  .regex(/^\d{4}-\d{2}-\d{2}T/, 'must be an ISO-8601 date-time')
  .refine((text) => !Number.isNaN(Date.parse(text)), 'must be an ISO-8601 date-time')
  .transform((text) => Date.parse(text))
  .optional()

const statusesOf = (text: string): string[] =>
  text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')

/** Comma-separated HTTP error statuses, e.g. "401, 403" (unset: undefined, the caller's default). */
export const statusList = z
  .string(typeRule('text'))
  .refine((text) => {
    const statuses = statusesOf(text)
    return statuses.length > 0 && statuses.every((status) => /^[45]\d\d$/.test(status))
  }, 'must be comma-separated HTTP statuses from 400 to 599, e.g. "401, 403"')
  .transform((text): ReadonlySet<number> => new Set(statusesOf(text).map(Number)))
  .optional()

/**
 * A rule Zod cannot say, in a named value parser: its InputProblem becomes the field's issue.
 * (`.optional()` after it: unset, the field is undefined and the parser is not called.)
 */
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
