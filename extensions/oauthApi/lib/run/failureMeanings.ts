import type { FailureCode } from '../step/StepFailure'

/**
 * When each failure code is reported, in a care-flow operator's words: the failure-code reference
 * (docs/reference/failure-codes.md, written by `npm run docs`) reads it beside the category that
 * describeFailure.ts gives each code. A new code needs its sentence here (the type asks for it).
 */
export const FAILURE_MEANINGS: Readonly<Record<FailureCode, string>> = {
  INVALID_SETTING: 'a setting is missing or invalid (named in the text)',
  DISCOVERY_FAILED: 'no usable token endpoint was discovered from *Issuer URL*',
  INVALID_FIELD: 'a field is missing or invalid (named in the text)',
  PATH_OUTSIDE_BASE: '*Path* resolves outside the API base URL',
  HEADER_REFUSED: 'a header in *Headers* cannot be sent',
  TOKEN_REQUEST_REFUSED:
    'the token endpoint answered 4xx, or any status below 500 with an OAuth `error` (RFC 6749 §5.2)',
  TOKEN_ENDPOINT_FAILED: 'the token endpoint answered 5xx or another non-2xx',
  TOKEN_RESPONSE_INVALID: 'a 2xx token response without a usable, sendable `access_token`',
  TOKEN_TYPE_UNSUPPORTED: 'a token type other than Bearer',
  TOKEN_REDIRECT_REFUSED: 'the token endpoint redirected to another origin',
  TOKEN_NOT_RENEWED:
    'the API refused the token and the token endpoint returned that same token again; the call is not repeated',
  API_CLIENT_ERROR: 'the API answered 4xx',
  API_REDIRECT_REFUSED: 'the API redirected where the token may not go',
  API_SERVER_ERROR: 'the API answered 5xx',
  API_RESPONSE_INVALID:
    'a 2xx answer declared JSON (`application/json`, `+json`) whose body does not parse; its first bytes are quoted, scrubbed',
  GRAPHQL_ERRORS: 'a GraphQL API answered 2xx with `errors` (and *Fail on GraphQL errors* is on)',
  GRAPHQL_RESPONSE_INVALID: 'a 2xx answer to a GraphQL request that is not a GraphQL response',
  PAGE_OUTSIDE_BASE: 'a next-page link points outside the API base URL (not followed)',
  RATE_LIMITED: "*Maximum requests per minute* left no turn within the step's timeout",
  TIMEOUT: "the step's timeout ran out",
  TOO_LARGE: 'a response body (all pages together) passed *Maximum response size*',
  NETWORK: 'a connection failed (reset, refused, an answer malformed or cut short, …)',
  TLS: 'the TLS handshake failed: a certificate that does not verify (unknown CA, expired, name mismatch) or a refused client certificate; the host and the reason are named',
  NETWORK_POLICY:
    'the host is (or resolves to) a loopback, private, link-local, metadata or other refused address that `OAUTHAPI_ALLOWED_NETWORKS` does not open; nothing was sent',
  INTERNAL: 'a bug of ours, reported by its class name alone',
}
