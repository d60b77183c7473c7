import { z } from 'zod'
import { endpointUrlProblem } from '../http/transportPolicy'
import { InputProblem, type ValueParser } from './objectOfParsers'

/**
 * Zod schemas of single setting values. A setting is text (Studio sends strings); '' and blanks
 * mean "not set", as Studio sends an emptied input as ''. Each message says what is wrong without
 * quoting the value.
 */

/** The text trimmed, blank text as undefined ("not set"); anything else as it is. */
const trimmedOrUnset = (value: unknown): unknown => {
  if (typeof value !== 'string') return value
  const trimmed = value.trim()
  return trimmed === '' ? undefined : trimmed
}

/** Zod's name of a value's type, as a message says it: "an array", "null", "a number". */
const typeName = (received: string): string =>
  received === 'array' ? 'an array' : received === 'null' ? 'null' : `a ${received}`

const text = z.string({
  errorMap: (issue) => ({
    message:
      issue.code === 'invalid_type' && issue.received === 'undefined'
        ? 'is required'
        : `must be text, not ${issue.code === 'invalid_type' ? typeName(issue.received) : 'this'}`,
  }),
})

/** Optional text, trimmed. */
export const optionalText = z.preprocess(trimmedOrUnset, text.optional())

/** A secret is taken as it is (spaces may belong to it); only '' means "not set". */
export const optionalSecret = z.preprocess(
  (value) => (value === '' ? undefined : value),
  text.optional(),
)

/** One of `values`; `fallback` when not set. */
export const oneOf = <T extends string>(values: readonly [T, ...T[]], fallback: T) =>
  z.preprocess(
    trimmedOrUnset,
    z
      .enum(values, { errorMap: () => ({ message: `must be one of ${values.join(', ')}` }) })
      .default(fallback as z.util.noUndefined<T>),
  )

/** One of `values`, or undefined when not set (the default then depends on other settings). */
export const optionalOneOf = <T extends string>(values: readonly [T, ...T[]]) =>
  z.preprocess(
    trimmedOrUnset,
    z
      .enum(values, { errorMap: () => ({ message: `must be one of ${values.join(', ')}` }) })
      .optional(),
  )

/** A decimal number from min to max; `fallback` when not set. */
export const numberInRange = (fallback: number, min: number, max: number) =>
  z.preprocess(
    trimmedOrUnset,
    text
      .regex(/^\d+(\.\d+)?$/, 'must be a number')
      .transform(Number)
      .pipe(
        z
          .number()
          .min(min, `must be between ${min} and ${max}`)
          .max(max, `must be between ${min} and ${max}`),
      )
      .default(String(fallback)),
  )

/** A whole number from min to max, or undefined when not set. */
export const optionalWholeNumber = (min: number, max: number) => {
  const message = `must be a whole number from ${min} to ${max}`
  return z.preprocess(
    trimmedOrUnset,
    text
      .regex(/^\d{1,9}$/, message)
      .transform(Number)
      .pipe(z.number().min(min, message).max(max, message))
      .optional(),
  )
}

/** An endpoint URL (see endpointUrlProblem: https, http only on loopback, …), or undefined. */
export const optionalEndpointUrl = (options: { allowQuery: boolean }) =>
  z.preprocess(
    trimmedOrUnset,
    text
      .superRefine((url, ctx) => {
        const problem = endpointUrlProblem(url, options)
        if (problem !== undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem })
      })
      .transform((url) => new URL(url))
      .optional(),
  )

/** A required endpoint URL without a query. */
export const requiredEndpointUrl = z.preprocess(
  trimmedOrUnset,
  text
    .superRefine((url, ctx) => {
      const problem = endpointUrlProblem(url, { allowQuery: false })
      if (problem !== undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem })
    })
    .transform((url) => new URL(url)),
)

/** RFC 8707 §2: an absolute URI that MUST NOT include a fragment; or undefined. */
export const optionalResourceIndicator = z.preprocess(
  trimmedOrUnset,
  text
    .refine(
      (uri) => URL.canParse(uri) && !uri.includes('#'),
      'must be an absolute URI without a fragment',
    )
    .optional(),
)

/**
 * A JSON object of name → string (numbers and booleans read as their text), `{}` when not set;
 * `reserved` names are refused with the reason given. The entries are read from JSON.parse's own
 * object, so that a "__proto__" name is an entry like any other (and refused: not a string).
 */
export const jsonStringRecord = (reserved: ReadonlySet<string>, reservedReason: string) =>
  z.preprocess(
    trimmedOrUnset,
    text
      .transform((json, ctx): Readonly<Record<string, string>> => {
        const issue = (message: string): never => {
          ctx.addIssue({ code: z.ZodIssueCode.custom, message })
          return z.NEVER
        }
        let parsed: unknown
        try {
          parsed = JSON.parse(json)
        } catch {
          return issue('must be a JSON object')
        }
        if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
          return issue('must be a JSON object')
        }
        const strings: Record<string, string> = {}
        for (const [name, value] of Object.entries(parsed)) {
          const shown = name.slice(0, 60)
          if (reserved.has(name)) return issue(`may not set "${shown}" (${reservedReason})`)
          if (!['string', 'number', 'boolean'].includes(typeof value)) {
            return issue(`value of "${shown}" must be a string`)
          }
          strings[name] = String(value)
        }
        return strings
      })
      .default('{}'),
  )

/**
 * A value that only a named parser can read (a header template, a JSON object with rules per
 * entry, a dotted path): its InputProblem becomes the issue of this key.
 */
export const readBy = <T>(parser: ValueParser<T>) =>
  z.unknown().transform((value, ctx): T => {
    try {
      return parser(value)
    } catch (error) {
      if (!(error instanceof InputProblem)) throw error
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: error.message })
      return z.NEVER
    }
  })
