import { FieldType, StringType, type Field } from '@awell-health/extensions-core'
import { z, type ZodTypeAny } from 'zod'
import { MAX_PAGES } from '../../../lib/api/paging'
import { BODY_FORMATS, requestBodyOf } from '../../../lib/api/requestBody'
import {
  boundedText,
  choice,
  fieldsInput,
  flag,
  optionalText,
  parsedBy,
  requiredText,
  wholeNumber,
} from '../../../lib/input/fieldSchemas'
import { InputProblem } from '../../../lib/input/objectOfParsers'
import { boundedJson, queryPairs } from '../../../lib/input/valueParsers'
import {
  DEFAULT_RENEW_ON_STATUS,
  FIELD_LIMITS,
  sharedFieldSchemas,
  sharedFields,
} from '../../shared/fields'

const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const

export const fields = {
  accessToken: sharedFields.accessToken,
  tokenExpiresAt: sharedFields.tokenExpiresAt,
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
  headers: sharedFields.headers,
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
      'JSON sent in the body format (POST, PUT, PATCH, DELETE): any JSON for json and fhir+json (sent as written, at most 10 MB and 64 levels deep), a flat object for form and multipart.',
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
  renewOnStatus: sharedFields.renewOnStatus,
  connection: sharedFields.connection,
} satisfies Record<string, Field>

/** Each field's value, read once (cross-field rules: ApiCallInputSchema). */
export const FieldsValidationSchema = z.object({
  accessToken: sharedFieldSchemas.accessToken,
  tokenExpiresAt: sharedFieldSchemas.tokenExpiresAt,
  // GET when empty; upper-cased by fieldsInput (any letter case is taken).
  method: choice(HTTP_METHODS),
  path: requiredText(FIELD_LIMITS.pathLength),
  query: parsedBy(queryPairs(FIELD_LIMITS.query)).optional(),
  headers: sharedFieldSchemas.headers,
  bodyFormat: choice(BODY_FORMATS),
  body: parsedBy(boundedJson(FIELD_LIMITS.body)).optional(),
  // Sent as it is: not trimmed (fieldsInput's asIs).
  bodyText: boundedText(FIELD_LIMITS.body.maxBytes),
  idempotencyKey: optionalText,
  maxPages: wholeNumber(1, MAX_PAGES),
  failOnHttpError: flag(),
  renewOnStatus: sharedFieldSchemas.renewOnStatus,
  connection: sharedFieldSchemas.connection,
} satisfies Record<keyof typeof fields, ZodTypeAny>)

/**
 * The fields as Studio sends them, as the action's input: the body in the shape of its format,
 * pages for GET only, the defaults of unset fields.
 */
export const ApiCallInputSchema = fieldsInput(
  FieldsValidationSchema,
  { asIs: ['bodyText', 'failOnHttpError'], upperCase: ['method'] },
  (parsed) => {
    const method = parsed.method ?? 'GET'
    const maxPages = parsed.maxPages ?? 1
    if (maxPages > 1 && method !== 'GET') {
      throw new InputProblem('pages are followed for GET requests only; leave it at 1', 'maxPages')
    }
    const bodyFormat = parsed.bodyFormat ?? 'json'
    // Each key written out: an object rest (`{ body, ...rest } = parsed`) is copied by V8's
    // runtime, about 5 µs a run.
    return {
      accessToken: parsed.accessToken,
      tokenExpiresAt: parsed.tokenExpiresAt,
      method,
      path: parsed.path,
      query: parsed.query ?? [],
      headers: parsed.headers ?? [],
      bodyFormat,
      // The body in the shape of its format, or the field that does not fit it.
      body: requestBodyOf(bodyFormat, parsed.body, parsed.bodyText),
      idempotencyKey: parsed.idempotencyKey,
      maxPages,
      failOnHttpError: parsed.failOnHttpError ?? true,
      renewOnStatus: parsed.renewOnStatus ?? DEFAULT_RENEW_ON_STATUS,
      connection: parsed.connection,
    }
  },
)
