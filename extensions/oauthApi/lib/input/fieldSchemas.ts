import { z, type AnyZodObject, type ZodEffects, type ZodUnknown } from 'zod'
import { InputProblem, type ValueParser } from './objectOfParsers'

/**
 * Zod schemas of action fields, read after `fieldsInput` has made Studio's values plain (an
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

/** How Studio's values of some fields are read (see fieldsInput). */
export interface StudioOptions {
  /** Not trimmed: only '' and null mean unset (e.g. a body text, a boolean sent as text). */
  asIs?: readonly string[]
  /** Trimmed, then upper-cased (e.g. the method: any letter case is taken). */
  upperCase?: readonly string[]
}

/**
 * The fields as Studio sends them, made plain: null and '' (after trimming) mean "not set"; text
 * is trimmed, but for the fields sent `asIs` (only '' and null unset there), and upper-cased for
 * the fields in `upperCase`. Anything but an object is left for the schema to refuse.
 */
const studioValues = (raw: unknown, options: StudioOptions): unknown => {
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
}

/**
 * An action's input, from the fields as Studio sends them: their values made plain
 * (studioValues), each field read by `schema` (the action's FieldsValidationSchema), then `build`
 * with the rules that span several fields — it throws an InputProblem naming the field at fault.
 * One Zod effect for all of it, rather than a preprocess and a transform: in Zod 3 each effect
 * costs about 3 µs a parse, and its garbage. The issues are the schema's own (path and message).
 */
export function fieldsInput<S extends AnyZodObject>(
  schema: S,
  options?: StudioOptions,
): ZodEffects<ZodUnknown, z.output<S>>
export function fieldsInput<S extends AnyZodObject, Out>(
  schema: S,
  options: StudioOptions,
  build: (parsed: z.output<S>) => Out,
): ZodEffects<ZodUnknown, Out>
export function fieldsInput<S extends AnyZodObject, Out>(
  schema: S,
  options: StudioOptions = {},
  build?: (parsed: z.output<S>) => Out,
): ZodEffects<ZodUnknown, Out | z.output<S>> {
  return z.unknown().transform((raw, context) => {
    const parsed = schema.safeParse(studioValues(raw, options))
    if (!parsed.success) {
      for (const issue of parsed.error.issues) context.addIssue(issue)
      return z.NEVER
    }
    if (build === undefined) return parsed.data
    try {
      return build(parsed.data)
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
}

/** Optional text. */
export const optionalText = z.string(typeRule('text')).optional()

/** Text of at most `maxLength` characters, required. */
export const requiredText = (maxLength: number) =>
  z.string(typeRule('text')).max(maxLength, `is longer than ${maxLength} characters`)

/** Optional text of at most `maxLength` characters. */
export const boundedText = (maxLength: number) => requiredText(maxLength).optional()

/*
 * The helpers below read a field that may be unset, which leaves it undefined: the action's
 * input (fieldsInput's build) gives the fallback. Not Zod's `.default()`, which parses the
 * fallback through the schema again on every run (a union, a pipe: about 1 KB of garbage each).
 */

/** One of `values`, or unset. */
export const choice = <T extends string>(values: readonly [T, ...T[]]) => {
  const rule = `must be one of ${values.join(', ')}`
  return z.enum(values, { errorMap: () => ({ message: rule }) }).optional()
}

/**
 * A BOOLEAN field: a boolean, or exactly "true"/"false" from callers that send text (list it in
 * fieldsInput's `asIs`, so that " true" is not taken), or unset.
 */
export const flag = () => {
  const rule = { errorMap: () => ({ message: 'must be true or false' }) }
  return z
    .union([z.boolean(), z.enum(['true', 'false']).transform((text) => text === 'true')], rule)
    .optional()
}

/** A NUMERIC field: a whole number from min to max (or its digits as text), or unset. */
export const wholeNumber = (min: number, max: number) => {
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
    .optional()
}

const NOT_A_DATE_TIME = 'must be an ISO-8601 date-time'

/** An ISO-8601 date-time (as the expiresAt data point holds it), in epoch ms (read once). */
export const isoDateTime = z
  .string(typeRule('text'))
  .regex(/^\d{4}-\d{2}-\d{2}T/, NOT_A_DATE_TIME)
  .transform((text, context) => {
    const ms = Date.parse(text)
    if (!Number.isNaN(ms)) return ms
    context.addIssue({ code: z.ZodIssueCode.custom, message: NOT_A_DATE_TIME })
    return z.NEVER
  })
  .optional()

const statusesOf = (text: string): string[] =>
  text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')

/** Comma-separated HTTP error statuses, e.g. "401, 403" (unset: undefined, the caller's default). */
export const statusList = z
  .string(typeRule('text'))
  .transform((text, context): ReadonlySet<number> => {
    const statuses = statusesOf(text)
    if (statuses.length > 0 && statuses.every((status) => /^[45]\d\d$/.test(status))) {
      return new Set(statuses.map(Number))
    }
    context.addIssue({
      code: z.ZodIssueCode.custom,
      message: 'must be comma-separated HTTP statuses from 400 to 599, e.g. "401, 403"',
    })
    return z.NEVER
  })
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
