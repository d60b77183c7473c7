import type { GaveUp, RefusedRedirect } from '../http/exchange'
import type { TransportFacts } from '../http/HttpError'

/**
 * What each failure is made of, as typed fields: one kind per way a step fails, each with the
 * facts its sentence needs and nothing worded. run/failureSentence.ts words every sentence from
 * them; checkConnection's advice reads them. Server text in them (`…Text`, `excerpt`, `issues`,
 * the OAuth error and the GraphQL messages) is already scrubbed of the run's secrets and cut short
 * (secrets/quoteServerText.ts).
 */
export type FailureFacts =
  | InputFacts
  | TokenErrorFacts
  | TokenResponseFacts
  | TokenRedirectFacts
  | TransportFailureFacts
  | DiscoveryFacts
  | ApiAnswerFacts
  | ApiBodyInvalidFacts
  | GraphqlResponseInvalidFacts
  | GraphqlErrorsFailureFacts
  | PagesTooLargeFacts
  | PageOutsideBaseFacts
  | PathOutsideBaseFacts
  | HeaderRefusedFacts
  | RateLimitedFacts

/** An API request as a failure names it, e.g. GET /fhir/Patient (page 2). */
export interface RequestLine {
  method: string
  /** The URL's path, never its query. */
  path: string
  /** The page of a paged GET, from page 2 on. */
  page?: number
}

/** Which request failed: the token request, the discovery of the token endpoint, or an API request. */
export type FailedRequest = 'token request' | 'discovery' | RequestLine

/**
 * Why a request that failed was not sent again, when it is never repeated: a POST or PATCH
 * without an Idempotency-Key (`unsafe method`), or a GraphQL mutation.
 */
export type NotRepeated = 'unsafe method' | 'mutation'

/** Settings or fields at fault, each with its problem: the problem text is the fact. */
export interface InputFacts {
  kind: 'input'
  of: 'setting' | 'field'
  issues: ReadonlyArray<{ key: string; problem: string }>
}

/**
 * RFC 6749 §5.2: the token endpoint answered with an error status, or with an OAuth `error`.
 * `serverText`: the body, when it names no `error`.
 */
export interface TokenErrorFacts {
  kind: 'token error'
  status: number
  /** How many times the request was sent in all. */
  attempts: number
  oauthError?: string
  /** Only beside `oauthError`. */
  oauthErrorDescription?: string
  serverText?: string
  /** Why a retryable status (429, 5xx) was not tried again. */
  gaveUp?: GaveUp
}

/**
 * A token endpoint's 2xx without a usable token (RFC 6749 §5.1): no JSON object, no token at the
 * token path (`tokenPath`, e.g. "access_token" or "data.token"), a token type other than Bearer
 * (`tokenType`, as sent, cut short), or a token that cannot be sent as it is.
 */
export type TokenResponseFacts = { kind: 'token response' } & (
  | { problem: 'empty body' | 'not a JSON object'; status: number; tokenPath: string }
  | {
      problem: 'no token'
      status: number
      tokenPath: string
      /** The first of the response's top-level member names, each cut short. */
      members: readonly string[]
      memberCount: number
    }
  | { problem: 'token type'; tokenType: string }
  /** RFC 6750 §2.1 when `bearerOnly`; else visible ASCII. */
  | { problem: 'unsendable'; bearerOnly: boolean }
)

/** The token endpoint redirected where a token request may not follow. */
export interface TokenRedirectFacts {
  kind: 'token redirect'
  redirect: RefusedRedirect
}

/** The transport failed (http/HttpError.ts) on the way to or from `request`. */
export interface TransportFailureFacts {
  kind: 'transport'
  request: FailedRequest
  transport: TransportFacts
  notRepeated?: NotRepeated
}

/** The discovery documents tried, in order (discovery.ts). */
export type DiscoveryDocument =
  'openid-configuration' | 'oauth-authorization-server' | 'smart-configuration'

/** Why one discovery document gave no usable token endpoint. */
export type DiscoveryProblem =
  | { problem: 'status'; status: number }
  | { problem: 'transport'; transport: TransportFacts }
  | { problem: 'not a JSON object' | 'issuer differs' | 'no token_endpoint' }
  /** Its token_endpoint is not a usable endpoint URL, for `why` (http/transportPolicy.ts). */
  | { problem: 'token_endpoint'; why: string }

/** No discovery document gave a usable token endpoint (setting `issuerUrl`). */
export interface DiscoveryFacts {
  kind: 'discovery'
  tried: ReadonlyArray<{ document: DiscoveryDocument } & DiscoveryProblem>
}

/**
 * What of a failed answer's body the step's error tells: its text, a FHIR OperationOutcome's
 * issues ("severity code: diagnostics; …"), its GraphQL errors — each quoted — or, for a binary
 * body, only its size and type.
 */
export type BodyFacts =
  | { kind: 'text'; text: string }
  | { kind: 'OperationOutcome'; issues: string }
  | { kind: 'binary'; bytes: number; contentType: string }
  | { kind: 'GraphQL errors'; errors: GraphqlErrorsFacts }

/** One GraphQL error (GraphQL spec §7.1.2), its server text quoted. */
export type GraphqlErrorFacts =
  | { shape: 'not an object' }
  | {
      shape: 'object'
      message?: string
      /** e.g. patient.names[0].family */
      path?: string
      location?: { line: number; column: number }
      /** `extensions.code` */
      code?: string
    }

/** A response's GraphQL errors: how many there were, and the first few. */
export interface GraphqlErrorsFacts {
  count: number
  first: readonly GraphqlErrorFacts[]
}

/**
 * The API answered with a status the step fails on: 4xx, 5xx, a redirect it did not follow, or a
 * refused token the token endpoint handed out again (`tokenNotRenewed`).
 */
export interface ApiAnswerFacts {
  kind: 'API answer'
  request: RequestLine
  status: number
  /** RFC 6750 §3: the WWW-Authenticate header of a Bearer challenge, quoted. */
  bearerChallenge?: string
  /** How many times the request was sent in all. */
  attempts: number
  gaveUp?: GaveUp
  notRepeated?: NotRepeated
  refusedRedirect?: RefusedRedirect
  /** The status after which the token was renewed (and the retry refused too). */
  renewedAfterStatus?: number
  /** The token endpoint returned the refused token again, so the request was not repeated. */
  tokenNotRenewed?: boolean
  body?: BodyFacts
}

/** A 2xx declared JSON (RFC 8259) whose body does not parse. */
export interface ApiBodyInvalidFacts {
  kind: 'API body invalid'
  request: RequestLine
  status: number
  /** The Content-Type, quoted. */
  contentType: string
  excerpt: string
}

/** A 2xx to a GraphQL request that is not a GraphQL response (GraphQL spec §7.1). */
export interface GraphqlResponseInvalidFacts {
  kind: 'GraphQL response invalid'
  request: RequestLine
  status: number
  problem: 'empty body' | 'not a JSON object' | 'no data or errors' | 'errors not a list'
  /** The Content-Type, quoted, when there was one. */
  contentType?: string
  excerpt: string
}

/** A 2xx with GraphQL errors, for a step told to fail on them. */
export interface GraphqlErrorsFailureFacts {
  kind: 'GraphQL errors'
  request: RequestLine
  status: number
  errors: GraphqlErrorsFacts
}

/** The pages of a paged GET together passed the size cap before `request` (its page) was read. */
export interface PagesTooLargeFacts {
  kind: 'pages too large'
  request: RequestLine & { page: number }
  maxBytes: number
  /** What the pages before it took. */
  usedBytes: number
}

/** A next-page link outside the API base URL (not followed). */
export interface PageOutsideBaseFacts {
  kind: 'page outside base'
  page: number
  /** The link's origin and path. */
  link: string
  base: string
}

/**
 * A URL field (`field`) that the token may not go to (RFC 9700 §4.9.1): protocol-relative, or
 * resolving outside the API base URL (`base`), for `why` (api/resolveUnderBase.ts's verdict).
 */
export type PathOutsideBaseFacts = { kind: 'path outside base'; field: string } & (
  { outside: 'protocol-relative' } | { outside: 'base'; base: string; why: string }
)

/** A header the step may not send (RFC 9110 §5), in `field`. */
export interface HeaderRefusedFacts {
  kind: 'header refused'
  field: string
  name: string
  problem: 'not a token' | 'set by the extension' | 'control character' | 'beyond Latin-1'
}

/** The rate limit (setting `maxRequestsPerMinute`) left `request` no turn before the deadline. */
export interface RateLimitedFacts {
  kind: 'rate limited'
  perMinute: number
  request: RequestLine
  timeoutSeconds: number
}
