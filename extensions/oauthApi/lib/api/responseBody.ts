import { isUtf8 } from 'node:buffer'
import type { HttpResponse } from '../http/sendRequest'
import { parseJsonExactly } from '../input/exactJson'

/** A body that is not text, kept unchanged for the care flow (e.g. a PDF). */
export interface BinaryBody {
  contentType: string
  base64: string
}

/** A response body as a JSON value, and its JSON text. */
export interface DecodedBody {
  value: unknown
  /**
   * The value as JSON text: a JSON body's own text (trimmed, scrubbed), so that it is not
   * serialized again; else the value serialized.
   */
  json: string
  /** Set when the body was declared JSON (application/json, +json) and is not JSON. */
  notJson?: true
}

/**
 * The response body as a JSON value for the responseBody data point: JSON parsed; other text
 * as a JSON string; an empty body as null; a body that is not text — by its media type, or
 * because it is not valid in its charset — as `{ contentType, base64 }`, so that nothing is
 * mangled by a decoding it does not have. `scrub` is applied to the text before it is parsed:
 * once parsed and serialized again, a secret a server echoed as `\/` or `\u002f` inside a text
 * body would read `\\/` and no longer be one of its forms.
 */
export const decodeResponseBody = (
  response: HttpResponse,
  scrub: (text: string) => string = (text) => text,
): DecodedBody => {
  if (response.bytes.length === 0) return { value: null, json: 'null' }
  const contentType = response.headers['content-type']
  const media = parseMediaType(contentType)
  if (media !== undefined && !isTextual(media)) return serialized(binaryBody(response, contentType))
  const decoded = decodeText(response, media?.charset)
  if (decoded === undefined) return serialized(binaryBody(response, contentType))
  const text = scrub(decoded)
  try {
    // Parsed, the text is JSON: only JSON whitespace can surround it (RFC 8259 §2).
    return { value: parseJsonExactly(text), json: text.trim() }
  } catch {
    const declaredJson =
      media !== undefined &&
      (media.essence === 'application/json' || media.essence.endsWith('+json'))
    return declaredJson ? { ...serialized(text), notJson: true } : serialized(text)
  }
}

const serialized = (value: unknown): DecodedBody => ({ value, json: JSON.stringify(value) })

export const isBinaryBody = (value: unknown): value is BinaryBody =>
  value !== null &&
  typeof value === 'object' &&
  Object.keys(value).length === 2 &&
  typeof (value as Partial<BinaryBody>).contentType === 'string' &&
  typeof (value as Partial<BinaryBody>).base64 === 'string'

const binaryBody = (response: HttpResponse, contentType: string | undefined): BinaryBody => ({
  contentType: contentType ?? 'application/octet-stream',
  base64: response.bytes.toString('base64'),
})

interface MediaType {
  /** type/subtype in lower case. */
  essence: string
  charset: string | undefined
}

/** RFC 9110 §8.3.1: type "/" subtype *( OWS ";" OWS parameter ). */
const parseMediaType = (value: string | undefined): MediaType | undefined => {
  if (value === undefined) return undefined
  if (!value.includes(';')) {
    const essence = value.trim().toLowerCase()
    return essence === '' ? undefined : { essence, charset: undefined }
  }
  const [essence, ...parameters] = value.split(';')
  const charset = parameters
    .map((parameter) => /^\s*charset\s*=\s*"?([^";\s]+)"?\s*$/i.exec(parameter)?.[1])
    .find((found) => found !== undefined)
  const trimmed = essence.trim().toLowerCase()
  return trimmed === '' ? undefined : { essence: trimmed, charset: charset?.toLowerCase() }
}

/** application/* types that are text (besides the +json, +xml, … suffixes, RFC 6839). */
const TEXT_APPLICATION_TYPES: ReadonlySet<string> = new Set([
  'application/json',
  'application/xml',
  'application/javascript',
  'application/ecmascript',
  'application/x-www-form-urlencoded',
  'application/x-ndjson',
  'application/yaml',
  'application/x-yaml',
  'application/graphql',
  'application/sql',
  'application/csv',
  'application/hl7-v2',
  'application/edi-x12',
  'application/edifact',
])

/** Whether the media type is text: text/*, the types above, a text suffix, or a charset. */
const isTextual = (media: MediaType): boolean =>
  media.essence.startsWith('text/') ||
  TEXT_APPLICATION_TYPES.has(media.essence) ||
  /\+(json|xml|yaml|ndjson|json-seq)$/.test(media.essence) ||
  media.charset !== undefined

/**
 * The text of the body in its charset (UTF-8 unless another is named, RFC 8259 §8.1 for JSON);
 * undefined when the bytes are not valid in it. A UTF-8 byte order mark is dropped.
 */
const decodeText = (response: HttpResponse, charset: string | undefined): string | undefined => {
  if (
    charset === undefined ||
    charset === 'utf-8' ||
    charset === 'utf8' ||
    charset === 'us-ascii'
  ) {
    if (!isUtf8(response.bytes)) return undefined
    const { body } = response
    return body.charCodeAt(0) === 0xfeff ? body.slice(1) : body
  }
  try {
    return new TextDecoder(charset, { fatal: true }).decode(response.bytes)
  } catch {
    return undefined
  }
}
