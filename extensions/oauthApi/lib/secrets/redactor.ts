import { LRUCache } from 'lru-cache'

/**
 * Secret hygiene: every text that leaves an action run (events, log lines, data points other
 * than accessToken) passes through a Redactor that knows the run's secrets — the client secret,
 * the private key and each line of it, client assertions, Basic header values and access
 * tokens — in every form a server may echo them in:
 *
 * - raw;
 * - JSON-escaped, by any serializer: `\"`, `\\`, `\n`…, PHP's `\/`, and any character as
 *   `\uXXXX` (non-ASCII as most do, ASCII too as .NET and Go do for `+`, `<`, `&`…), hex digits
 *   in either case;
 * - percent-encoded (any character, upper- or lower-case hex as .NET writes `%2f`), and
 *   form-encoded (`+` for a space);
 * - any mix of the above, character by character;
 * - base64 and base64url, with and without padding.
 */
const REDACTED = '[REDACTED]'
/** Shorter values would blank out ordinary words; no real secret or token is this short. */
const MIN_SECRET_LENGTH = 4

/** How one secret is found: a pattern for the character-wise encodings, and whole forms. */
interface SecretMatcher {
  /**
   * Matches the secret with each character raw or escaped in any of the ways above; undefined
   * for a whole PEM key, whose lines each have their own pattern (see secretParts).
   */
  pattern: RegExp | undefined
  /** The raw secret: the only form a text without `\`, `%` or `+` can hold. */
  raw: string
  /** Forms that are not character-wise: base64 and base64url (±padding), PEM lines. */
  whole: readonly string[]
  /** Whether a '+' in the text could stand for a character of the secret (a space). */
  hasSpace: boolean
}

/**
 * The matchers of the secrets seen lately (the settings' secrets and the cached tokens), so that
 * a run does not build them again: bounded like the token cache it mirrors.
 */
const MATCHERS_CACHE_SIZE = 1000
const matchersCache = new LRUCache<string, readonly SecretMatcher[]>({ max: MATCHERS_CACHE_SIZE })

/** Clean texts a Redactor remembers (see `clean`): a run's response body and a few more. */
const MAX_CLEAN_TEXTS = 4
/** Shorter texts cost less to scrub again than to compare. */
const MIN_CLEAN_TEXT_LENGTH = 64

export class Redactor {
  /**
   * The run's secrets, longest first (so that a secret that contains another is replaced whole),
   * kept in order as they are added: a run has a handful (a PEM key a few dozen lines).
   */
  private readonly ordered: SecretMatcher[] = []
  /**
   * The last few texts in which scrub found none of the current secrets (forgotten when a secret
   * is added): scrubbing one again would return it unchanged, so `scrub` does not.
   */
  private readonly cleanTexts: string[] = []

  add(secret: string | undefined): void {
    if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) return
    for (const matcher of matchersOf(secret)) {
      if (this.ordered.some((known) => known.raw === matcher.raw)) continue
      const shorter = this.ordered.findIndex((known) => known.raw.length < matcher.raw.length)
      this.ordered.splice(shorter === -1 ? this.ordered.length : shorter, 0, matcher)
      this.cleanTexts.length = 0
    }
  }

  /**
   * The text with every form of every secret replaced by [REDACTED]. A text equal to one this
   * redactor found clean since its last new secret is returned at once: e.g. a response body
   * scrubbed before it is parsed, whose compact JSON is the responseBody data point that
   * onEventSafely scrubs again — the one place that guarantees no data point carries a secret
   * keeps checking every data point, and an unchanged text is not searched twice.
   */
  scrub(text: string): string {
    if (text.length >= MIN_CLEAN_TEXT_LENGTH && this.cleanTexts.includes(text)) return text
    const scrubbed = this.search(text)
    if (scrubbed === text && text.length >= MIN_CLEAN_TEXT_LENGTH) {
      if (this.cleanTexts.length >= MAX_CLEAN_TEXTS) this.cleanTexts.shift()
      this.cleanTexts.push(text)
    }
    return scrubbed
  }

  private search(text: string): string {
    if (this.ordered.length === 0) return text
    // Every form of a secret is at least as long as the secret: a shorter text holds none (a
    // status code, "true", a page count).
    if (text.length < this.ordered[this.ordered.length - 1].raw.length) return text
    // Without an escape character in the text, only raw and whole forms can be in it: a plain
    // substring search, much faster than the pattern on large response bodies.
    const escaped = text.includes('\\') || text.includes('%')
    const plus = text.includes('+')
    let scrubbed = text
    for (const matcher of this.ordered) {
      if (matcher.pattern !== undefined && (escaped || (plus && matcher.hasSpace))) {
        scrubbed = scrubbed.replace(matcher.pattern, REDACTED)
      } else if (scrubbed.includes(matcher.raw)) {
        scrubbed = scrubbed.split(matcher.raw).join(REDACTED)
      }
      for (const form of matcher.whole) {
        if (scrubbed.includes(form)) scrubbed = scrubbed.split(form).join(REDACTED)
      }
    }
    return scrubbed
  }
}

const matchersOf = (secret: string): readonly SecretMatcher[] => {
  let matchers = matchersCache.get(secret)
  if (matchers === undefined) {
    matchers = secretParts(secret).map(({ part, charwise }) => matcherOf(part, charwise))
    matchersCache.set(secret, matchers)
  }
  return matchers
}

/**
 * The secret itself and, for a PEM key, its body and each base64 line of it (an error may quote
 * one line); a key written on one line with literal "\n" also in its multi-line form. A whole
 * key is looked for as it is (and in base64): its lines, each looked for in every encoding,
 * already cover an escaped copy of it, and a pattern of thousands of characters would cost
 * more than it finds.
 */
const secretParts = (secret: string): Array<{ part: string; charwise: boolean }> => {
  if (!secret.includes('-----BEGIN')) return [{ part: secret, charwise: true }]
  const parts = [{ part: secret, charwise: false }]
  const body = secret.replace(/\\n/g, '\n')
  if (body !== secret) parts.push({ part: body, charwise: false })
  for (const line of body.split('\n')) {
    if (!line.startsWith('-----') && line.trim().length >= 16) {
      parts.push({ part: line.trim(), charwise: true })
    }
  }
  return parts
}

const matcherOf = (secret: string, charwise: boolean): SecretMatcher => {
  const utf8 = Buffer.from(secret, 'utf8')
  const base64 = utf8.toString('base64')
  const base64url = utf8.toString('base64url')
  const whole = [
    ...new Set([
      base64,
      base64.replace(/=+$/, ''),
      base64url,
      `${base64url}${'='.repeat(base64.length - base64url.length)}`,
      ...base64Cores(utf8),
    ]),
  ]
  return {
    pattern: charwise ? new RegExp(characterPatterns(secret).join(''), 'g') : undefined,
    raw: secret,
    whole: whole
      .filter((form) => form !== secret && form.length >= MIN_SECRET_LENGTH)
      .sort((a, b) => b.length - a.length),
    hasSpace: secret.includes(' '),
  }
}

/** A base64 core shorter than this could occur in unrelated base64 text by chance. */
const MIN_CORE_LENGTH = 8

/**
 * The secret inside longer base64 text (a server's base64 blob with the secret somewhere in it):
 * at each of the three byte alignments (RFC 4648 §4: 3 bytes make 4 characters), the characters
 * that the secret's bytes alone decide — those at the edges also hold bits of the bytes around
 * it. In base64 and base64url.
 */
const base64Cores = (utf8: Buffer): string[] => {
  const cores: string[] = []
  for (let shift = 0; shift < 3; shift++) {
    const encoded = Buffer.concat([Buffer.alloc(shift), utf8]).toString('base64')
    const core = encoded.slice(
      Math.ceil((8 * shift) / 6),
      Math.floor((8 * (shift + utf8.length)) / 6),
    )
    if (core.length >= MIN_CORE_LENGTH)
      cores.push(core, core.replace(/\+/g, '-').replace(/\//g, '_'))
  }
  return cores
}

/** JSON's short escapes (RFC 8259 §7), and PHP's `\/`. */
const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\\\"',
  '\\': '\\\\\\\\',
  '/': '\\\\/',
  '\b': '\\\\b',
  '\f': '\\\\f',
  '\n': '\\\\n',
  '\r': '\\\\r',
  '\t': '\\\\t',
}

/** One pattern per character (a surrogate pair is one character): its forms as alternatives. */
const characterPatterns = (secret: string): string[] =>
  Array.from(secret, (character) => {
    const alternatives = [escapeRegExp(character)]
    const short = SHORT_ESCAPES[character]
    if (short !== undefined) alternatives.push(short)
    // \uXXXX per UTF-16 unit (a pair as two escapes).
    let units = ''
    for (let i = 0; i < character.length; i++) {
      units += `\\\\u${hexPattern(character.charCodeAt(i), 4)}`
    }
    alternatives.push(units)
    // %XX per UTF-8 byte; a lone surrogate travels as U+FFFD.
    alternatives.push(
      [...Buffer.from(character, 'utf8')].map((byte) => `%${hexPattern(byte, 2)}`).join(''),
    )
    if (character === ' ') alternatives.push('\\+')
    return `(?:${alternatives.join('|')})`
  })

/** A number in hex, each letter digit in either case: 0x2f → "2[fF]". */
const hexPattern = (value: number, width: number): string =>
  Array.from(value.toString(16).padStart(width, '0'), (digit) =>
    /[a-f]/.test(digit) ? `[${digit}${digit.toUpperCase()}]` : digit,
  ).join('')

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')
