import type { TokenClient } from '../../lib/oauth/TokenClient'
import type { TokenShape } from '../../lib/oauth/tokenClaims'
import { InputFailure, StepFailure } from '../../lib/step/StepFailure'

/**
 * What a designer setting up the connection should check, for each way the check can fail: the
 * failure says what happened, the advice what to look at. Settings are named by their labels in
 * Studio.
 */

/** Beyond this, client assertions (iat, exp: RFC 7523 §3) are at risk; SMART allows 5 minutes. */
const CLOCK_SKEW_LIMIT_SECONDS = 60

/** The failure with the advice among its facts; anything else (and input failures) unchanged. */
export const withAdvice = (error: unknown, advice: string | undefined): unknown =>
  error instanceof StepFailure && !(error instanceof InputFailure) && advice !== undefined
    ? error.withAdvice(advice)
    : error

const SECRET_METHODS_ADVICE =
  'Check the "Client ID" and "Client secret" settings, and how the server expects the secret ("Client authentication"): client_secret_basic sends it form-encoded in a Basic header (RFC 6749 §2.3.1), client_secret_basic_unencoded in a Basic header without that encoding (for servers that do not decode it), client_secret_post in the request body'

/** The JWT bearer grant's assertion refused (RFC 7523 §3.1: invalid_grant): what to check. */
const jwtBearerAdvice = (client: TokenClient): string | undefined => {
  const { grant } = client
  if (grant.type !== 'jwt_bearer') return undefined
  const kid = grant.signer.keyId !== undefined ? ` under kid "${grant.signer.keyId}"` : ''
  return `Check that the server has the public key (or certificate) of issuer "${grant.issuer}" registered${kid} for ${grant.signer.algorithm}, the assertion's claims ("Assertion issuer", "Assertion subject", "Assertion audience": the server names the values it expects), that the user has approved the app where the server asks for it (Salesforce, DocuSign), and this machine's clock`
}

/** RFC 6749 §5.2 error codes → what to check. */
const oauthErrorAdvice = (error: string, client: TokenClient): string | undefined => {
  const { auth } = client
  switch (error) {
    case 'invalid_grant':
      return jwtBearerAdvice(client)
    case 'invalid_client':
      return auth.method === 'tls_client_auth' || auth.method === 'self_signed_tls_client_auth'
        ? `Check that the server has the client certificate of client "${auth.clientId}" registered (its subject for tls_client_auth, the certificate itself for self_signed_tls_client_auth), and the "Client certificate" setting`
        : auth.method === 'none'
          ? jwtBearerAdvice(client)
          : auth.method === 'private_key_jwt'
            ? `Check that the server has the public key of client "${auth.clientId}" registered${auth.keyId !== undefined ? ` under kid "${auth.keyId}"` : ''} for ${auth.algorithm} ("npm run cli -- jwks" prints its JWK Set), the "Client ID" and "Signing algorithm" settings, and this machine's clock`
            : SECRET_METHODS_ADVICE
    case 'invalid_scope':
      return 'Check the "Scope" setting: ask only for scopes the client is registered for'
    case 'invalid_target':
      return 'Check the "Resource" and "Audience" settings: the server does not know that API'
    case 'unauthorized_client':
      return 'The client may not use the client credentials grant: check its registration at the server'
    case 'unsupported_grant_type':
      return 'Check the "Token URL": this endpoint does not offer the client credentials grant'
    case 'invalid_request':
      return 'Check the "Token URL" and the "Audience", "Resource" and "Extra token parameters" settings'
    default:
      return undefined
  }
}

const clockAdvice = (client: TokenClient, skewSeconds: number | undefined): string | undefined =>
  (client.auth.method === 'private_key_jwt' || client.grant.type === 'jwt_bearer') &&
  skewSeconds !== undefined &&
  Math.abs(skewSeconds) > CLOCK_SKEW_LIMIT_SECONDS
    ? `This machine's clock and the token endpoint's differ by ${skewSeconds} s, and client assertions carry iat and exp (RFC 7523 §3): check the clock (NTP)`
    : undefined

/** Advice for a failed token request, from the failure's facts (the server's status and error). */
export const tokenFailureAdvice = (
  error: unknown,
  client: TokenClient,
  skewSeconds: number | undefined,
): string | undefined => {
  if (!(error instanceof StepFailure)) return undefined
  const parts: string[] = []
  // RFC 6749 §5.2: the token endpoint's status and error, as the failure's facts carry them.
  const { facts } = error
  const oauthError = facts.kind === 'token error' ? facts.oauthError : undefined
  const status = facts.kind === 'token error' ? facts.status : undefined
  const specific = oauthError !== undefined ? oauthErrorAdvice(oauthError, client) : undefined
  if (specific !== undefined) parts.push(specific)
  else if (error.code === 'NETWORK' || error.code === 'TIMEOUT') {
    parts.push(
      'Check the "Token URL" (or "Issuer URL"): its host and port, and that the server is reachable from the extension',
    )
  } else if (error.code === 'TOKEN_REDIRECT_REFUSED') {
    parts.push('Check the "Token URL": it should be the address the server redirects to')
  } else if (error.code === 'TOKEN_RESPONSE_INVALID') {
    // A 2xx answer without a usable token: another endpoint, or a vendor dialect (see the guide).
    parts.push(
      'Check that the "Token URL" is the OAuth 2.0 token endpoint (RFC 6749 §3.2), and, if it names the token otherwise (e.g. "data.token"), set "Token path"',
    )
  } else if (error.code === 'TOKEN_TYPE_UNSUPPORTED') {
    parts.push(
      'Check that the "Token URL" is the OAuth 2.0 token endpoint (RFC 6749 §3.2); if the API takes this token type, set "Token header" to how it wants the token',
    )
  } else if (status !== undefined && [404, 405].includes(status)) {
    parts.push('Check that the "Token URL" is the OAuth 2.0 token endpoint (RFC 6749 §3.2)')
  } else if (status !== undefined && status >= 500) {
    parts.push('The authorization server failed: try again later, or ask its operators')
  }
  const clock = clockAdvice(client, skewSeconds)
  if (clock !== undefined) parts.push(clock)
  return parts.length > 0 ? `${parts.join('. ')}.` : undefined
}

/** A warning for a check that passed, when the clocks are far apart. */
export const clockWarning = (
  client: TokenClient,
  skewSeconds: number | undefined,
): string | undefined => {
  const clock = clockAdvice(client, skewSeconds)
  return clock === undefined ? undefined : `Warning: ${clock}.`
}

/** Advice for the API's answer to the GET, by status. */
export const apiFailureAdvice = (status: number | undefined, shape: TokenShape): string => {
  const claims = shape.format === 'jwt' ? shape.claims : undefined
  const said = (claim: 'aud' | 'iss'): string =>
    claims?.[claim] !== undefined
      ? ` (the token says ${claim} ${JSON.stringify(claims[claim])})`
      : ''
  if (status === 401) {
    return `The API did not accept the token: check the "API base URL", the "Audience" or "Resource" setting${said('aud')}, and that the API trusts tokens of this authorization server${said('iss')}.`
  }
  if (status === 403) {
    return 'The token lacks a permission for this request: check the "Scope" setting, and what the server granted (grantedScope).'
  }
  if (status === 404) return 'Check the "API base URL" and the path.'
  return 'Check the "API base URL", and that the API is reachable from the extension.'
}
