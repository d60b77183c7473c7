import { randomBytes } from 'node:crypto'
import { isExactNumber } from '../input/exactJson'
import { InputProblem } from '../input/objectOfParsers'
import { isPlainObject, type JsonDocument } from '../input/valueParsers'

/** How the request body is written; `json` is the default. */
export const BODY_FORMATS = ['json', 'fhir+json', 'form', 'multipart', 'text'] as const
export type BodyFormat = (typeof BODY_FORMATS)[number]

/** FHIR R4 §3.1.0.1.8 (http.html#mime-type): the one media type strict FHIR servers parse. */
export const FHIR_JSON = 'application/fhir+json'

/**
 * The request body, read once into the shape its format needs: JSON as its text (validated, and
 * whether it is empty: a GET drops an empty body), form and multipart bodies as name/value pairs
 * in order (an array repeats its name), text as it is. The parsed JSON is not kept: a step would
 * hold a large body's object graph while the request is sent, for the garbage collector to trace
 * (measured: a 9 MB body 23 ms slower).
 */
export type RequestBody =
  | { format: 'json' | 'fhir+json'; text: string; empty: boolean }
  | { format: 'form' | 'multipart'; pairs: ReadonlyArray<readonly [string, string]> }
  | { format: 'text'; text: string }

/**
 * The body of the chosen format from the `body` (JSON) and `bodyText` (TEXT) fields. A body
 * that does not fit the format, `bodyText` with another format, or both at once are refused,
 * naming the field at fault.
 */
export const requestBodyOf = (
  format: BodyFormat,
  document: JsonDocument | undefined,
  bodyText: string | undefined,
): RequestBody | undefined => {
  if (format === 'text') {
    if (document !== undefined) {
      throw new InputProblem(
        'is for the JSON formats; with body format "text" use bodyText',
        'body',
      )
    }
    return bodyText === undefined ? undefined : { format, text: bodyText }
  }
  if (bodyText !== undefined) {
    throw new InputProblem(
      `is sent only with body format "text" (the format is "${format}"); put the body in "body"`,
      'bodyText',
    )
  }
  if (document === undefined) return undefined
  const body = document.value
  switch (format) {
    case 'json':
    case 'fhir+json':
      // The JSON text is sent as it is (input/valueParsers.ts boundedJson): never serialized again.
      return { format, text: document.text, empty: isEmptyJson(body) }
    case 'form':
      return {
        format,
        pairs: flatPairs(body, format, isFormValue, 'a string, a number or true/false'),
      }
    case 'multipart':
      return { format, pairs: flatPairs(body, format, isPartValue, 'a string or a number') }
  }
}

/** null, {} or []: what a GET may carry as its (dropped) JSON body. */
const isEmptyJson = (value: unknown): boolean =>
  value === null || (typeof value === 'object' && Object.keys(value).length === 0)

/** A number kept with all its digits (input/exactJson.ts) is written as its digits. */
const isFormValue = (value: unknown): boolean =>
  typeof value === 'string' ||
  typeof value === 'boolean' ||
  (typeof value === 'number' && Number.isFinite(value)) ||
  isExactNumber(value)

const isPartValue = (value: unknown): boolean =>
  typeof value === 'string' ||
  (typeof value === 'number' && Number.isFinite(value)) ||
  isExactNumber(value)

/** A flat JSON object read as pairs; an array value repeats its name (HTML form semantics). */
const flatPairs = (
  body: unknown,
  format: BodyFormat,
  isValue: (value: unknown) => boolean,
  expected: string,
): Array<[string, string]> => {
  if (!isPlainObject(body)) {
    throw new InputProblem(`must be a flat JSON object for body format "${format}"`, 'body')
  }
  const pairs: Array<[string, string]> = []
  for (const [name, entry] of Object.entries(body)) {
    for (const item of Array.isArray(entry) ? (entry as unknown[]) : [entry]) {
      if (!isValue(item)) {
        throw new InputProblem(
          `value of "${name.slice(0, 60)}" must be ${expected} (or an array of them) for body format "${format}"`,
          'body',
        )
      }
      pairs.push([name, String(item)])
    }
  }
  return pairs
}

/** The bytes to send and their media type. */
export interface SerializedBody {
  contentType: string
  content: string | Buffer
}

/** Writes the body in its format; `text` goes as UTF-8 with the designer's Content-Type, if any. */
export const serializeBody = (body: RequestBody): SerializedBody => {
  switch (body.format) {
    case 'json':
      return { contentType: 'application/json', content: body.text }
    case 'fhir+json':
      return { contentType: FHIR_JSON, content: body.text }
    case 'form':
      return { contentType: 'application/x-www-form-urlencoded', content: formEncode(body.pairs) }
    case 'multipart':
      return multipartEncode(body.pairs)
    case 'text':
      return { contentType: 'text/plain; charset=utf-8', content: body.text }
  }
}

/**
 * WHATWG URL §5.2 (application/x-www-form-urlencoded serializer), which HTML forms and RFC 1866
 * §8.2.1 describe: UTF-8, a space as "+", every byte but *-._ and alphanumerics percent-encoded.
 */
const formEncode = (pairs: ReadonlyArray<readonly [string, string]>): string =>
  new URLSearchParams(pairs.map(([name, value]): [string, string] => [name, value])).toString()

/**
 * RFC 7578 with the WHATWG HTML "multipart/form-data encoding algorithm": one part per pair,
 * `Content-Disposition: form-data; name="…"` with `"`, CR and LF in the name percent-encoded,
 * line breaks in names and values normalised to CRLF, a random boundary (RFC 2046 §5.1.1: at
 * most 70 characters) that occurs in no value.
 */
const multipartEncode = (pairs: ReadonlyArray<readonly [string, string]>): SerializedBody => {
  const normalised = pairs.map(([name, value]) => [toCrlf(name), toCrlf(value)] as const)
  let boundary: string
  do {
    boundary = `----oauthApi${randomBytes(16).toString('hex')}`
  } while (normalised.some(([name, value]) => name.includes(boundary) || value.includes(boundary)))
  const parts = normalised.map(
    ([name, value]) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${escapePartName(name)}"\r\n\r\n${value}\r\n`,
  )
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    content: Buffer.from(`${parts.join('')}--${boundary}--\r\n`, 'utf8'),
  }
}

const toCrlf = (text: string): string => text.replace(/\r\n|\r|\n/g, '\r\n')

const escapePartName = (name: string): string =>
  name.replace(/\n/g, '%0A').replace(/\r/g, '%0D').replace(/"/g, '%22')
