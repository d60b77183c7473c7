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

type QueryValue = string | number | boolean
/** A query object: string, number or boolean values, or arrays of them (repeated parameters). */
export const queryField = jsonFieldValue.transform((value, ctx): Array<[string, string]> => {
  if (value === undefined) return []
  if (!isPlainObject(value)) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be a JSON object' })
    return z.NEVER
  }
  const pairs: Array<[string, string]> = []
  for (const [name, entry] of Object.entries(value)) {
    const values: unknown[] = Array.isArray(entry) ? entry : [entry]
    for (const item of values) {
      if (!isQueryValue(item)) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          message: `value of "${name.slice(0, 60)}" must be a string or a number`,
        })
        return z.NEVER
      }
      pairs.push([name, String(item)])
    }
  }
  return pairs
})

const isQueryValue = (value: unknown): value is QueryValue =>
  typeof value === 'string' ||
  typeof value === 'boolean' ||
  (typeof value === 'number' && Number.isFinite(value))

/** A headers object: string values (numbers are turned into strings). */
export const headersField = jsonFieldValue.transform((value, ctx): Array<[string, string]> => {
  if (value === undefined) return []
  if (!isPlainObject(value)) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be a JSON object' })
    return z.NEVER
  }
  const pairs: Array<[string, string]> = []
  for (const [name, entry] of Object.entries(value)) {
    if (typeof entry !== 'string' && !(typeof entry === 'number' && Number.isFinite(entry))) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: `value of header "${name.slice(0, 60)}" must be a string`,
      })
      return z.NEVER
    }
    pairs.push([name, String(entry)])
  }
  return pairs
})

/** Optional text: '' and whitespace mean "not set". */
export const optionalTextField = z
  .string()
  .optional()
  .nullable()
  .transform((value) =>
    value === undefined || value === null || value.trim() === '' ? undefined : value.trim(),
  )

/** A BOOLEAN field: a boolean, or "true"/"false" from callers that send text; unset = fallback. */
export const booleanField = (fallback: boolean) =>
  z
    .union([z.boolean(), z.enum(['true', 'false']), z.literal(''), z.null(), z.undefined()])
    .transform((value) =>
      value === true || value === 'true'
        ? true
        : value === false || value === 'false'
          ? false
          : fallback,
    )
