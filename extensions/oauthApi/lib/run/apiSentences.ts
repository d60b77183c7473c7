import type {
  ApiAnswerFacts,
  ApiBodyInvalidFacts,
  BodyFacts,
  HeaderRefusedFacts,
  PageOutsideBaseFacts,
  PagesTooLargeFacts,
  PathOutsideBaseFacts,
  RateLimitedFacts,
} from '../step/failureFacts'
import { graphqlErrorsText } from './graphqlSentences'
import { gaveUpNote, notRepeatedText, redirectNote, requestText } from './requestWording'

/**
 * "The API answered HTTP 401 to GET /fhir/Patient; WWW-Authenticate: Bearer error="invalid_token";
 * tried 3 times. Body: …": the status, the Bearer challenge (RFC 6750 §3), what happened on the
 * way (a refused redirect, a renewal, retries), and what the body says.
 */
export const apiAnswerSentence = (facts: ApiAnswerFacts): string => {
  const parts = [`The API answered HTTP ${facts.status} to ${requestText(facts.request)}`]
  if (facts.bearerChallenge !== undefined) {
    parts.push(`; WWW-Authenticate: ${facts.bearerChallenge}`)
  }
  for (const note of exchangeNotes(facts)) parts.push(`; ${note}`)
  if (facts.body !== undefined) parts.push(bodyText(facts.body))
  return parts.join('')
}

/** What the exchange adds to the status, in the order it happened. */
const exchangeNotes = (facts: ApiAnswerFacts): string[] => {
  const { method } = facts.request
  const notes: string[] = []
  if (facts.refusedRedirect !== undefined) {
    notes.push(
      `it ${redirectNote(facts.refusedRedirect, method, 'API')}, so the redirect was not followed`,
    )
  }
  if (facts.renewedAfterStatus !== undefined) {
    notes.push(
      `the token was renewed after HTTP ${facts.renewedAfterStatus} and the retry was refused too`,
    )
  }
  if (facts.gaveUp !== undefined) {
    const notRepeated =
      facts.notRepeated !== undefined ? notRepeatedText(facts.notRepeated, method) : undefined
    notes.push(gaveUpNote(facts.gaveUp, facts.attempts, notRepeated))
  }
  if (facts.tokenNotRenewed === true) {
    notes.push(
      'the token endpoint returned the refused token again when asked for a new one, so the request was not repeated',
    )
  }
  return notes
}

const bodyText = (body: BodyFacts): string => {
  switch (body.kind) {
    case 'GraphQL errors':
      return `. ${graphqlErrorsText(body.errors)}`
    case 'OperationOutcome':
      return `. Body: OperationOutcome: ${body.issues}`
    case 'binary':
      return `. Body: (${body.bytes} bytes of ${body.contentType}, not quoted)`
    case 'text':
      return `. Body: ${body.text}`
  }
}

export const apiBodyInvalidSentence = (facts: ApiBodyInvalidFacts): string =>
  `The API answered HTTP ${facts.status} to ${requestText(facts.request)} with a body declared ${facts.contentType} that is not JSON (RFC 8259). Body: ${facts.excerpt}`

export const pagesTooLargeSentence = ({
  request,
  maxBytes,
  usedBytes,
}: PagesTooLargeFacts): string =>
  `${requestText(request)}: the pages together are larger than the maximum response size of ${maxBytes} bytes, ${usedBytes} of them in the first ${request.page - 1}; page ${request.page} was not read`

export const pageOutsideBaseSentence = ({ page, link, base }: PageOutsideBaseFacts): string =>
  `The API's link to page ${page} (${link}) is outside the API base URL ${base}; it was not followed, as the access token is only sent under it, and the step fails rather than pass ${page - 1} page(s) off as the whole result`

/** Said of the field (RFC 9700 §4.9.1: the token goes only under the API base URL). */
export const pathOutsideBaseSentence = (facts: PathOutsideBaseFacts): string => {
  const why =
    facts.outside === 'protocol-relative'
      ? 'a protocol-relative URL (//host/…) is not allowed'
      : `it resolves outside the API base URL ${facts.base} (${facts.why})`
  return `refused, ${why}; the access token is only sent to URLs under the API base URL.`
}

/** Said of the field (RFC 9110 §5.1, §5.5). */
export const headerRefusedSentence = ({ name, problem }: HeaderRefusedFacts): string => {
  switch (problem) {
    case 'not a token':
      return `header name ${JSON.stringify(name.slice(0, 60))} is not a valid token`
    case 'set by the extension':
      return `header "${name}" cannot be set (the extension sets it)`
    case 'control character':
      return `header "${name}" has a control character (CR, LF or similar) in its value`
    case 'beyond Latin-1':
      return `header "${name}" has a character beyond Latin-1 (e.g. € or an emoji) in its value, which cannot be sent unchanged; percent-encode it`
  }
}

/** Said of the setting maxRequestsPerMinute. */
export const rateLimitedSentence = (facts: RateLimitedFacts): string =>
  `the limit of ${facts.perMinute} requests per minute left no turn for ${requestText(facts.request)} within the step's timeout of ${facts.timeoutSeconds} s; it was not sent`
