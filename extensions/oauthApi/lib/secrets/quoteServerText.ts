import type { Redactor } from './redactor'

/**
 * Text a server sent (an error_description, a body excerpt, a WWW-Authenticate header), made fit
 * for an event: control characters other than tab and newline become spaces, the run's secrets
 * are scrubbed — before the text is cut, as a secret cut in two would not be found — and it is cut
 * to `maxLength` characters.
 */
export const quoteServerText = (text: string, redactor: Redactor, maxLength: number): string => {
  // eslint-disable-next-line no-control-regex
  const printable = text.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, ' ')
  const scrubbed = redactor.scrub(printable).trim()
  return scrubbed.length > maxLength ? `${scrubbed.slice(0, maxLength)}…` : scrubbed
}
