import { FieldType, StringType, type Field } from '@awell-health/extensions-core'
import { InputProblem, objectOfParsers, type ValueParser } from '../../../lib/input/objectOfParsers'
import {
  booleanValue,
  boundedJson,
  boundedRequiredText,
  headerPairs,
  isoDateTime,
  oneOf,
  optionalFieldText,
  queryPairs,
  statusList,
  wholeNumberInRange,
} from '../../../lib/input/valueParsers'
import { MAX_PAGES } from '../../../lib/api/paging'
import { BODY_FORMATS, rawText, requestBodyOf } from '../../../lib/api/requestBody'
import { handedInToken } from '../../../lib/oauth/handedInToken'
import { connection, connectionField } from '../../shared/fields'

const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const

export const fields = {
  accessToken: {
    id: 'accessToken',
    label: 'Access token',
    description:
      'Insert the accessToken data point of a "Fetch OAuth token" step (a token, or an oauthapi-ref:… reference). Leave empty to let this step get (and cache) a token itself from the extension settings.',
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
    description:
      'A JSON object of string values. Authorization cannot be set here; names differing only in letter case are one header, so only one of them may be given.',
    type: FieldType.JSON,
    required: false,
  },
  bodyFormat: {
    id: 'bodyFormat',
    label: 'Body format',
    description:
      'json (default): Body as application/json. fhir+json: as application/fhir+json, and Accept: application/fhir+json unless Headers set Accept. form: Body (a flat object; arrays repeat the name) as application/x-www-form-urlencoded. multipart: Body (a flat object of strings and numbers) as multipart/form-data. text: Body text as it is.',
    type: FieldType.STRING,
    stringType: StringType.TEXT,
    required: false,
    options: {
      dropdownOptions: BODY_FORMATS.map((format) => ({ label: format, value: format })),
    },
  },
  body: {
    id: 'body',
    label: 'Body',
    description:
      'JSON sent in the body format (POST, PUT, PATCH, DELETE): any JSON for json and fhir+json, a flat object for form and multipart.',
    type: FieldType.JSON,
    required: false,
  },
  bodyText: {
    id: 'bodyText',
    label: 'Body text',
    description:
      'For body format text only: sent as it is, in UTF-8, with the Content-Type of Headers or text/plain; charset=utf-8 (e.g. XML, CSV, HL7 v2).',
    type: FieldType.TEXT,
    required: false,
  },
  idempotencyKey: {
    id: 'idempotencyKey',
    label: 'Idempotency key',
    description:
      'Sent as the Idempotency-Key header. When set, a POST or PATCH is repeated after 502/503/504, 429 or a lost connection, as the API can recognise the repeat; use a value unique to this care flow and step, e.g. the activity id.',
    type: FieldType.TEXT,
    required: false,
  },
  maxPages: {
    id: 'maxPages',
    label: 'Maximum pages',
    description:
      'Default 1. Up to 100: a GET whose answer links to a next page (FHIR Bundle link "next", or a Link header rel="next") is followed page by page, and the pages become one responseBody.',
    type: FieldType.NUMERIC,
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
  connection: connectionField,
} satisfies Record<string, Field>

/** The HTTP method, in any letter case; GET when empty. */
const method: ValueParser<(typeof HTTP_METHODS)[number]> = (value) => {
  const text = (optionalFieldText(value) ?? 'GET').toUpperCase()
  if (!(HTTP_METHODS as readonly string[]).includes(text)) {
    throw new InputProblem(`must be one of ${HTTP_METHODS.join(', ')}`)
  }
  return text as (typeof HTTP_METHODS)[number]
}

/** A TEXT body sent as it is, within the body's size bound. */
const boundedRawText =
  (maxLength: number): ValueParser<string | undefined> =>
  (value) => {
    const text = rawText(value)
    if (text !== undefined && text.length > maxLength) {
      throw new InputProblem(`is longer than ${maxLength} characters`)
    }
    return text
  }

/** The body format; json when empty (an unset STRING field may arrive as null). */
const bodyFormat: ValueParser<(typeof BODY_FORMATS)[number]> = (value) =>
  oneOf(BODY_FORMATS, 'json')(value ?? undefined)

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

export const FieldsValidationSchema = objectOfParsers(
  {
    accessToken: handedInToken,
    tokenExpiresAt: isoDateTime,
    method,
    path: boundedRequiredText(FIELD_LIMITS.pathLength),
    query: queryPairs(FIELD_LIMITS.query),
    headers: headerPairs(FIELD_LIMITS.headers),
    bodyFormat,
    body: boundedJson(FIELD_LIMITS.body),
    bodyText: boundedRawText(FIELD_LIMITS.body.maxBytes),
    idempotencyKey: optionalFieldText,
    maxPages: wholeNumberInRange(1, 1, MAX_PAGES),
    failOnHttpError: booleanValue(true),
    renewOnStatus: statusList([401]),
    connection,
  } satisfies Record<keyof typeof fields, ValueParser<unknown>>,
  (parsed) => {
    if (parsed.maxPages > 1 && parsed.method !== 'GET') {
      throw new InputProblem('pages are followed for GET requests only; leave it at 1', 'maxPages')
    }
    // Written out rather than spread: a rest and a spread of a dozen keys cost a few µs per run.
    return {
      accessToken: parsed.accessToken,
      tokenExpiresAt: parsed.tokenExpiresAt,
      method: parsed.method,
      path: parsed.path,
      query: parsed.query,
      headers: parsed.headers,
      bodyFormat: parsed.bodyFormat,
      // The body in the shape of its format, or the field that does not fit it.
      body: requestBodyOf(parsed.bodyFormat, parsed.body?.value, parsed.bodyText),
      idempotencyKey: parsed.idempotencyKey,
      maxPages: parsed.maxPages,
      failOnHttpError: parsed.failOnHttpError,
      renewOnStatus: parsed.renewOnStatus,
    }
  },
)
