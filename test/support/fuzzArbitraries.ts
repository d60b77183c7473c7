/**
 * fast-check building blocks for hostile input: wrong types, control characters, lone
 * surrogates, prototype keys, path tricks and (rarely) huge strings.
 */
import fc from 'fast-check'

export const CONTROL_CHARACTERS = ['\r', '\n', '\r\n', '\0', '\u0007', '\u001b', '\u007f', '\u0085']
export const LONE_SURROGATES = ['\uD800', '\uDBFF', '\uDC00', '\uDFFF']
export const PROTO_KEYS = ['__proto__', 'constructor', 'prototype']

/** One piece of hostile text. */
const weirdUnit: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.constantFrom(...CONTROL_CHARACTERS) },
  { weight: 1, arbitrary: fc.constantFrom(...LONE_SURROGATES) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      ...PROTO_KEYS,
      '%2e%2e/',
      '../',
      '\\',
      '"',
      "'",
      '{{',
      '}}',
      '${x}',
      '\u00e9',
      '\u20ac',
      '\ud83d\ude00',
    ),
  },
)

/** Short hostile text (may be empty). */
export const weirdString = (maxLength = 24): fc.Arbitrary<string> =>
  fc.string({ unit: weirdUnit, maxLength })

/** Hostile text, up to ~100 KB now and then: a short piece repeated. */
export const maybeHugeString = (hugeWeight = 1): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 100, arbitrary: weirdString() },
    {
      weight: hugeWeight,
      arbitrary: fc
        .tuple(weirdString(8), fc.integer({ min: 1_000, max: 100_000 }))
        .map(([piece, length]) => (piece === '' ? 'x' : piece).repeat(length).slice(0, length)),
    },
  )

/** Anything but a string or undefined: numbers, booleans, null, arrays, objects. */
export const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.oneof(fc.integer(), fc.string()), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(fc.integer(), fc.string()), {
    maxKeys: 3,
  }),
  fc.constant(null).map(() => protoObject()),
)

/** Anything but a string, undefined or null. */
export const wrongTypeNotNull = wrongType.filter((value) => value !== null)

/**
 * An object with own `__proto__`, `constructor` and `prototype` keys (as JSON.parse makes
 * them), each trying to plant `polluted` on a prototype.
 */
export function protoObject(extra: Record<string, unknown> = {}): Record<string, unknown> {
  const object = JSON.parse(
    '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"prototype":{"polluted":"yes"}}',
  ) as Record<string, unknown>
  return Object.assign(object, extra)
}

/** The same object with own prototype keys added (or not). */
export const withProtoKeys = <T extends Record<string, unknown>>(
  object: T,
  add: boolean,
): Record<string, unknown> => (add ? protoObject(object) : object)

/** Lone surrogates become U+FFFD in URLs and forms (WHATWG URL, UTF-8 encoding). */
export const wellFormed = (text: string): string =>
  text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')

/** A snapshot of the built-in prototypes, to see that a run added nothing to them. */
export const prototypeSnapshot = (): string =>
  JSON.stringify(
    [Object.prototype, Array.prototype, Function.prototype, String.prototype].map((proto) =>
      Object.getOwnPropertyNames(proto).sort(),
    ),
  )

export const isPolluted = (snapshot: string): boolean => {
  const probe = {} as Record<string, unknown>
  return (
    probe['polluted'] !== undefined ||
    ([] as unknown as Record<string, unknown>)['polluted'] !== undefined ||
    prototypeSnapshot() !== snapshot
  )
}
