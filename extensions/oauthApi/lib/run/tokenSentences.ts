import type {
  DiscoveryFacts,
  DiscoveryProblem,
  TokenErrorFacts,
  TokenRedirectFacts,
  TokenResponseFacts,
} from '../step/failureFacts'
import { gaveUpNote, redirectNote } from './requestWording'
import { transportSentence } from './transportSentence'

/**
 * "The token endpoint refused the request (HTTP 401): error "invalid_client", error_description
 * "…" (tried 3 times)": the one wording of a token endpoint's error answer (RFC 6749 §5.2), as
 * refused (the client's to fix) or failed (the server's).
 */
export const tokenErrorSentence = (facts: TokenErrorFacts, refused: boolean): string => {
  const parts = [
    `The token endpoint ${refused ? 'refused the request' : 'failed'} (HTTP ${facts.status})`,
  ]
  if (facts.oauthError !== undefined) {
    parts.push(`: error "${facts.oauthError}"`)
    if (facts.oauthErrorDescription !== undefined) {
      parts.push(`, error_description "${facts.oauthErrorDescription}"`)
    }
  } else if (facts.serverText !== undefined && facts.serverText !== '') {
    parts.push(`: ${facts.serverText}`)
  }
  if (facts.gaveUp !== undefined) parts.push(` (${gaveUpNote(facts.gaveUp, facts.attempts)})`)
  return parts.join('')
}

/** A 2xx without a usable token (RFC 6749 §5.1), naming where the token was looked for. */
export const tokenResponseSentence = (facts: TokenResponseFacts): string => {
  switch (facts.problem) {
    case 'empty body':
    case 'not a JSON object':
      return `The token endpoint answered HTTP ${facts.status} with ${facts.problem === 'empty body' ? 'an empty body' : 'a body that is not a JSON object'}; expected ${facts.tokenPath === 'access_token' ? 'an access_token (RFC 6749 §5.1)' : `a token at "${facts.tokenPath}"`}`
    case 'no token':
      return `The token endpoint's response (HTTP ${facts.status}) has no usable "${facts.tokenPath}"${facts.tokenPath === 'access_token' ? ' (RFC 6749 §5.1)' : ' (the token path)'}; its top-level members: ${memberNames(facts.members, facts.memberCount)}`
    case 'token type':
      return `The token endpoint issued a token of type ${JSON.stringify(facts.tokenType)}; only Bearer tokens (RFC 6750) are supported with the default token header (set tokenHeader or tokenQueryParameter to send another type)`
    case 'unsendable':
      return facts.bearerOnly
        ? 'The token endpoint issued an access_token with characters that cannot be sent in a Bearer header (RFC 6750 §2.1)'
        : 'The token endpoint issued a token with characters that cannot be sent unchanged (only visible ASCII can be)'
  }
}

/** "\"data\", \"meta\", …": the member names a response without a token had. */
const memberNames = (names: readonly string[], count: number): string =>
  count === 0
    ? 'none'
    : `${names.map((name) => JSON.stringify(name)).join(', ')}${count > names.length ? ', …' : ''}`

/** A token request is a POST: it follows a redirect only to its own origin. */
export const tokenRedirectSentence = ({ redirect }: TokenRedirectFacts): string =>
  `The token endpoint ${redirectNote(redirect, 'POST', 'token endpoint')}; the redirect was not followed`

/** Each discovery document tried, and why it gave no usable token endpoint (said of issuerUrl). */
export const discoverySentence = ({ tried }: DiscoveryFacts): string =>
  `no usable token endpoint was discovered (${tried.map((each) => `${each.document}: ${discoveryProblemText(each)}`).join('; ')})`

const discoveryProblemText = (problem: DiscoveryProblem): string => {
  switch (problem.problem) {
    case 'status':
      return `HTTP ${problem.status}`
    case 'transport':
      return transportSentence(problem.transport)
    case 'issuer differs':
      return 'its "issuer" differs from the issuer asked for (RFC 8414 §3.3), so it was discarded'
    case 'token_endpoint':
      return `token_endpoint ${problem.why}`
    case 'not a JSON object':
    case 'no token_endpoint':
      return problem.problem
  }
}
