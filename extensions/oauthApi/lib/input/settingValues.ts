import { z } from 'zod'
import { endpointUrlProblem } from '../http/transportPolicy'

/**
 * Zod schemas of single setting values. A setting is text (Studio sends strings; a connections
 * entry may hold numbers and booleans, read as their text); '' and blanks mean "not set", as
 * Studio sends an emptied input as ''. Each message says what is wrong without quoting the value.
 */

/** Numbers and booleans as their text; other values as they are. */
const asText = (value: unknown): unknown =>
  typeof value === 'number' || typeof value === 'boolean' ? String(value) : value

/** The text trimmed, blank text as undefined ("not set"). */
const trimmedOrUnset = (value: unknown): unknown => {
  const text = asText(value)
  if (typeof text !== 'string') return text
  const trimmed = text.trim()
  return trimmed === '' ? undefined : trimmed
}

const text = z.string({
  errorMap: (issue) => ({
    message:
      issue.code === 'invalid_type' && issue.received === 'undefined'
        ? 'is required'
        : `must be text, not ${issue.code === 'invalid_type' ? issue.received : 'this'}`,
  }),
})

/** Optional text, trimmed. */
export const optionalText = z.preprocess(trimmedOrUnset, text.optional())

/** Required text, trimmed. */
export const requiredText = z.preprocess(trimmedOrUnset, text)

/** A secret is taken as it is (spaces may belong to it); only '' means "not set". */
export const optionalSecret = z.preprocess((value) => {
  const secret = asText(value)
  return secret === '' ? undefined : secret
}, text.optional())

/** One of `values`; `fallback` when not set. */
export const oneOf = <T extends string>(values: readonly [T, ...T[]], fallback: T) =>
  z.preprocess(
    trimmedOrUnset,
    z
      .enum(values, { errorMap: () => ({ message: `must be one of ${values.join(', ')}` }) })
      .default(fallback as z.util.noUndefined<T>),
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
 * `reserved` names are refused with the reason given.
 */
export const jsonStringRecord = (reserved: ReadonlySet<string>, reservedReason: string) =>
  z.preprocess(
    trimmedOrUnset,
    text
      .transform((json, ctx): unknown => {
        try {
          return JSON.parse(json) as unknown
        } catch {
          ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be a JSON object' })
          return z.NEVER
        }
      })
      .pipe(
        z
          .record(z.unknown(), { errorMap: () => ({ message: 'must be a JSON object' }) })
          .superRefine((record, ctx) => {
            for (const [name, value] of Object.entries(record)) {
              const shown = name.slice(0, 60)
              if (reserved.has(name)) {
                ctx.addIssue({
                  code: z.ZodIssueCode.custom,
                  message: `may not set "${shown}" (${reservedReason})`,
                })
              } else if (!['string', 'number', 'boolean'].includes(typeof value)) {
                ctx.addIssue({
                  code: z.ZodIssueCode.custom,
                  message: `value of "${shown}" must be a string`,
                })
              }
            }
          })
          .transform((record): Readonly<Record<string, string>> => {
            const strings: Record<string, string> = {}
            for (const [name, value] of Object.entries(record)) strings[name] = String(value)
            return strings
          }),
      )
      .default('{}'),
  )
