import { FieldType, StringType, type Field } from '@awell-health/extensions-core'
import { z } from 'zod'
import {
  booleanField,
  headersField,
  jsonFieldValue,
  optionalTextField,
  queryField,
} from '../../../lib/input/jsonFieldSchemas'

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const

export const fields = {
  accessToken: {
    id: 'accessToken',
    label: 'Access token',
    description:
      'Insert the accessToken data point of a "Fetch OAuth token" step. Leave empty to let this step get (and cache) a token itself from the extension settings.',
    type: FieldType.TEXT,
    required: false,
  },
  tokenExpiresAt: {
    id: 'tokenExpiresAt',
    label: 'Token expires at',
    description:
      'Optional: insert the expiresAt data point (ISO-8601). An expired token is replaced before the call; JWTs are checked by their exp claim anyway.',
    type: FieldType.TEXT,
    required: false,
  },
  method: {
    id: 'method',
    label: 'Method',
    description: 'The HTTP method; GET when empty.',
    type: FieldType.STRING,
    stringType: StringType.TEXT,
    required: false,
    options: { dropdownOptions: HTTP_METHODS.map((method) => ({ label: method, value: method })) },
  },
  path: {
    id: 'path',
    label: 'Path',
    description:
      'A path relative to the API base URL, e.g. /Patient/{{patient id}}, or an absolute URL under it.',
    type: FieldType.TEXT,
    required: true,
  },
  query: {
    id: 'query',
    label: 'Query parameters',
    description: 'A JSON object of string or number values; an array repeats the parameter.',
    type: FieldType.JSON,
    required: false,
  },
  headers: {
    id: 'headers',
    label: 'Headers',
    description: 'A JSON object of string values. Authorization cannot be set here.',
    type: FieldType.JSON,
    required: false,
  },
  body: {
    id: 'body',
    label: 'Body',
    description: 'JSON sent as application/json (POST, PUT, PATCH, DELETE).',
    type: FieldType.JSON,
    required: false,
  },
  failOnHttpError: {
    id: 'failOnHttpError',
    label: 'Fail on HTTP error',
    description:
      'On (default): a non-2xx response fails the step. Off: the step completes with statusCode and responseBody so that the care flow can branch.',
    type: FieldType.BOOLEAN,
    required: false,
  },
  renewOnStatus: {
    id: 'renewOnStatus',
    label: 'Renew token on status',
    description:
      'Comma-separated statuses after which the token is renewed and the request sent once more. Default 401; some APIs signal an expired token with 403 or 400.',
    type: FieldType.TEXT,
    required: false,
  },
} satisfies Record<string, Field>

const method = z
  .string()
  .optional()
  .nullable()
  .transform((value) => (value ?? '').trim().toUpperCase() || 'GET')
  .refine(
    (value): value is (typeof HTTP_METHODS)[number] =>
      (HTTP_METHODS as readonly string[]).includes(value),
    `must be one of ${HTTP_METHODS.join(', ')}`,
  )
  .transform((value) => value as (typeof HTTP_METHODS)[number])

/** ISO-8601 date-time, as the expiresAt data point holds it. */
const isoDateTime = optionalTextField.transform((value, ctx) => {
  if (value === undefined) return undefined
  const ms = /^\d{4}-\d{2}-\d{2}T/.test(value) ? Date.parse(value) : Number.NaN
  if (Number.isNaN(ms)) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be an ISO-8601 date-time' })
    return z.NEVER
  }
  return ms
})

const statusList = optionalTextField.transform((value, ctx) => {
  if (value === undefined) return new Set([401])
  const statuses = value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
  if (statuses.length === 0 || !statuses.every((status) => /^[45]\d\d$/.test(status))) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      message: 'must be comma-separated HTTP statuses from 400 to 599, e.g. "401, 403"',
    })
    return z.NEVER
  }
  return new Set(statuses.map(Number))
})

export const FieldsValidationSchema = z.object({
  accessToken: optionalTextField,
  tokenExpiresAt: isoDateTime,
  method,
  path: z.string({ required_error: 'is required' }).trim().min(1, 'is required'),
  query: queryField,
  headers: headersField,
  body: jsonFieldValue,
  failOnHttpError: booleanField(true),
  renewOnStatus: statusList,
} satisfies Record<keyof typeof fields, z.ZodTypeAny>)

export type ApiCallInput = z.output<typeof FieldsValidationSchema>
