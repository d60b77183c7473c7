import {
  getUnsafeNumberReason,
  isLosslessNumber,
  isSafeNumber,
  LosslessNumber,
  parse,
  stringify,
  UnsafeNumberReason,
} from 'lossless-json'

/**
 * JSON numbers keep their digits: a number that a JavaScript number (an IEEE 754 double) would
 * alter — an integer beyond 2^53, more significant digits than a double holds — is read as a
 * LosslessNumber (lossless-json), which keeps its text and is written back as it is. Every other
 * number is a plain number, so code that reads values is unchanged for them.
 */
export { isLosslessNumber as isExactNumber }

/**
 * Text in which a number may have more digits than a double keeps (16 digits or dots in a row,
 * or an exponent); other text is parsed by JSON.parse, which is faster and loses nothing there.
 */
const MAY_LOSE_DIGITS = /\d[\d.]{15}|\d[eE][+-]?\d/

/** A number JSON text holds that no double comes near: 1e400 (Infinity), 1e-400 (0). */
export class UnrepresentableNumber extends Error {
  constructor(readonly text: string) {
    super(
      `the number ${text.slice(0, 40)} is beyond the range of JSON numbers as systems read them (IEEE 754 double, RFC 8259 §6)`,
    )
    this.name = 'UnrepresentableNumber'
  }
}

const keepNumber = (text: string): number | LosslessNumber =>
  isSafeNumber(text) ? Number(text) : new LosslessNumber(text)

const refuseUnrepresentable = (text: string): number | LosslessNumber => {
  if (isSafeNumber(text)) return Number(text)
  const reason = getUnsafeNumberReason(text)
  if (reason === UnsafeNumberReason.overflow || reason === UnsafeNumberReason.underflow) {
    throw new UnrepresentableNumber(text)
  }
  return new LosslessNumber(text)
}

/**
 * JSON.parse that keeps every number's digits (see above). Throws a SyntaxError for text that is
 * not JSON. A number beyond a double's range is kept as its text too (a server's answer is passed
 * on as it came), or, with `refuseUnrepresentable` (a designer's field), throws
 * UnrepresentableNumber.
 */
export const parseJsonExactly = (
  text: string,
  options: { refuseUnrepresentable?: boolean } = {},
): unknown =>
  MAY_LOSE_DIGITS.test(text)
    ? parse(text, null, options.refuseUnrepresentable === true ? refuseUnrepresentable : keepNumber)
    : (JSON.parse(text) as unknown)

/** Whether a value holds a LosslessNumber anywhere (a walk without recursion; it stops at one). */
const holdsExactNumber = (root: unknown): boolean => {
  const stack: unknown[] = [root]
  while (stack.length > 0) {
    const node = stack.pop()
    if (node === null || typeof node !== 'object') continue
    if (isLosslessNumber(node)) return true
    for (const item of Array.isArray(node) ? (node as unknown[]) : Object.values(node)) {
      if (item !== null && typeof item === 'object') stack.push(item)
    }
  }
  return false
}

/** JSON.stringify that writes a LosslessNumber as its digits. */
export const stringifyJson = (value: unknown): string =>
  holdsExactNumber(value) ? (stringify(value) ?? 'null') : JSON.stringify(value)
