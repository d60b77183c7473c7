import { formUrlEncode } from '../http/formUrlEncode'

/**
 * Secret hygiene: every text that leaves an action run (events, log lines) passes through a
 * Redactor that knows the run's secrets — the client secret, the private key, client assertions
 * and access tokens — in the forms they travel in (raw, form-encoded, inside a Basic header).
 */
const REDACTED = '[REDACTED]'
/** Shorter values would blank out ordinary words; no real secret or token is this short. */
const MIN_SECRET_LENGTH = 4

export class Redactor {
  private readonly secrets = new Set<string>()

  add(secret: string | undefined): void {
    if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) return
    for (const form of secretForms(secret)) {
      if (form.length >= MIN_SECRET_LENGTH) this.secrets.add(form)
    }
  }

  scrub(text: string): string {
    let scrubbed = text
    // Longest first, so that a secret that contains another is replaced whole.
    const ordered = [...this.secrets].sort((a, b) => b.length - a.length)
    for (const secret of ordered) {
      if (scrubbed.includes(secret)) scrubbed = scrubbed.split(secret).join(REDACTED)
    }
    return scrubbed
  }
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
