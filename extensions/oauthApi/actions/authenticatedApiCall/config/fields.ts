import { FieldType, StringType, type Field } from '@awell-health/extensions-core'
import type { z } from 'zod'
import { InputProblem, objectOfParsers, type ValueParser } from '../../../lib/input/objectOfParsers'
import {
  booleanValue,
  boundedJson,
  boundedRequiredText,
  headerPairs,
  isoDateTime,
  optionalFieldText,
  queryPairs,
  statusList,
} from '../../../lib/input/valueParsers'
import { isSendableBearerToken } from '../../../lib/oauth/bearerToken'

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

/** RFC 6750 §2.1: a token handed in must be sendable as it is. */
const accessToken: ValueParser<string | undefined> = (value) => {
  const token = optionalFieldText(value)
  if (token !== undefined && !isSendableBearerToken(token)) {
    throw new InputProblem(
      'the access token has characters that cannot be sent in a Bearer header (RFC 6750 §2.1)',
    )
  }
  return token
}

/** The HTTP method, in any letter case; GET when empty. */
const method: ValueParser<(typeof HTTP_METHODS)[number]> = (value) => {
  const text = (optionalFieldText(value) ?? 'GET').toUpperCase()
  if (!(HTTP_METHODS as readonly string[]).includes(text)) {
    throw new InputProblem(`must be one of ${HTTP_METHODS.join(', ')}`)
  }
  return text as (typeof HTTP_METHODS)[number]
}

/**
 * Bounds that real use never reaches; beyond them a field is refused (WRONG_INPUT naming it)
 * before anything is sent, in time linear in its size.
 */
export const FIELD_LIMITS = {
  /** Characters of the path field (an absolute URL included). */
  pathLength: 8 * 1024,
  query: { maxEntries: 200, maxValueLength: 8 * 1024, maxTotalLength: 32 * 1024 },
  headers: { maxEntries: 100, maxValueLength: 8 * 1024, maxTotalLength: 32 * 1024 },
  body: { maxBytes: 10 * 1024 * 1024, maxDepth: 64 },
} as const

export const FieldsValidationSchema = objectOfParsers({
  accessToken,
  tokenExpiresAt: isoDateTime,
  method,
  path: boundedRequiredText(FIELD_LIMITS.pathLength),
  query: queryPairs(FIELD_LIMITS.query),
  headers: headerPairs(FIELD_LIMITS.headers),
  body: boundedJson(FIELD_LIMITS.body),
  failOnHttpError: booleanValue(true),
  renewOnStatus: statusList([401]),
} satisfies Record<keyof typeof fields, ValueParser<unknown>>)

export type ApiCallInput = z.output<typeof FieldsValidationSchema>
