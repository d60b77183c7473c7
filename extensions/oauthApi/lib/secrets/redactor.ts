import { LRUCache } from 'lru-cache'
import { formUrlEncode } from '../http/formUrlEncode'

/**
 * Secret hygiene: every text that leaves an action run (events, log lines) passes through a
 * Redactor that knows the run's secrets — the client secret, the private key, client assertions
 * and access tokens — in the forms they travel in (raw, form-encoded, inside a Basic header).
 */
const REDACTED = '[REDACTED]'
/** Shorter values would blank out ordinary words; no real secret or token is this short. */
const MIN_SECRET_LENGTH = 4

/**
 * The forms of the secrets seen lately (the settings' secrets and the cached tokens), so that a
 * run does not encode the same secret again: bounded like the token cache it mirrors.
 */
const FORMS_CACHE_SIZE = 1000
const formsCache = new LRUCache<string, readonly string[]>({ max: FORMS_CACHE_SIZE })

export class Redactor {
  private readonly secrets = new Set<string>()
  /** Longest first, so that a secret that contains another is replaced whole; made on demand. */
  private ordered: string[] | undefined

  add(secret: string | undefined): void {
    if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) return
    for (const form of formsOf(secret)) {
      if (!this.secrets.has(form)) {
        this.secrets.add(form)
        this.ordered = undefined
      }
    }
  }

  scrub(text: string): string {
    // Prepared once per change of the secrets, i.e. once or twice per run, not per text.
    const ordered = (this.ordered ??= [...this.secrets].sort((a, b) => b.length - a.length))
    // Shorter than the shortest form ("200", "false"): nothing to look for.
    if (ordered.length === 0 || text.length < ordered[ordered.length - 1].length) return text
    let scrubbed = text
    for (const secret of ordered) {
      if (scrubbed.includes(secret)) scrubbed = scrubbed.split(secret).join(REDACTED)
    }
    return scrubbed
  }
}

const formsOf = (secret: string): readonly string[] => {
  let forms = formsCache.get(secret)
  if (forms === undefined) {
    forms = secretForms(secret).filter((form) => form.length >= MIN_SECRET_LENGTH)
    formsCache.set(secret, forms)
  }
  return forms
}

/** The shapes a secret takes on the wire and in JSON or PEM text. */
const secretForms = (secret: string): string[] => {
  const forms = [
    secret,
    ...uriEncodedForms(secret),
    // application/x-www-form-urlencoded, as client_secret_post sends it (also escapes !'()~).
    formUrlEncode(secret),
    JSON.stringify(secret).slice(1, -1),
    Buffer.from(secret).toString('base64'),
  ]
  // A PEM key: each base64 line of its body is secret on its own (an error may quote one line).
  if (secret.includes('-----BEGIN')) {
    const body = secret.replace(/\\n/g, '\n')
    forms.push(body)
    for (const line of body.split('\n')) {
      if (!line.startsWith('-----') && line.trim().length >= 16) forms.push(line.trim())
    }
  }
  return forms
}

/**
 * encodeURIComponent, raw and with "+" for spaces. It throws on a lone surrogate (a setting can
 * hold one): then there is no such form, and the form-encoded one (U+FFFD) stands for it.
 */
const uriEncodedForms = (secret: string): string[] => {
  try {
    const encoded = encodeURIComponent(secret)
    return [encoded, encoded.replace(/%20/g, '+')]
  } catch {
    return []
  }
}
