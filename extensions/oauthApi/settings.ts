import type { Setting } from '@awell-health/extensions-core'
import { LRUCache } from 'lru-cache'
import { createHash } from 'node:crypto'
import { z, type ZodTypeAny } from 'zod'
import { apiAccess, type ApiAccess } from './lib/api/apiAccess'
import { apiHeaderValues, apiHeaders } from './lib/api/apiHeaders'
import { parseApiBase, type ApiBase } from './lib/api/resolveUnderBase'
import {
  tokenHeader,
  tokenPlacement,
  tokenQueryParameter,
  type TokenPlacement,
} from './lib/api/tokenPlacement'
import { InputProblem, type ValueParser } from './lib/input/objectOfParsers'
import { parseInput } from './lib/input/parseInput'
import {
  connectionEntry,
  DEFAULT_CONNECTION,
  isConnectionName,
  NAME_RULE,
} from './lib/input/namedConnections'
import {
  jsonStringRecord,
  numberInRange,
  oneOf,
  optionalEndpointUrl,
  optionalOneOf,
  optionalResourceIndicator,
  optionalSecret,
  optionalText,
  optionalWholeNumber,
  readBy,
  requiredEndpointUrl,
} from './lib/input/settingValues'
import { optionalFieldText, optionalText as textValue } from './lib/input/valueParsers'
import { readTlsProfile, type TlsProfile } from './lib/http/tlsProfile'
import { connectionCredentials } from './lib/oauth/credentials'
import {
  DEFAULT_ASSERTION_LIFETIME_SECONDS,
  GRANT_TYPES,
  MAX_ASSERTION_LIFETIME_SECONDS,
} from './lib/oauth/grant'
import { readServiceAccountKey, type ServiceAccountKey } from './lib/oauth/serviceAccountKey'
import {
  expiresAtPath,
  expiresInPath,
  TOKEN_REQUEST_FORMATS,
  tokenDialect,
  tokenPath,
} from './lib/oauth/dialect'
import type { RequestRate } from './lib/rate/requestRate'
import { RESERVED_TOKEN_PARAMS } from './lib/oauth/requestToken'
import { MAX_TOKEN_LIFETIME_MS } from './lib/oauth/tokenLifetime'
import {
  CLIENT_AUTH_METHODS,
  SIGNING_ALGORITHMS,
  tokenClient,
  type TokenClient,
  type TokenEndpoint,
} from './lib/oauth/TokenClient'
import { TOKEN_DATA_POINT_MODES, type TokenDataPointMode } from './lib/oauth/tokenReferences'
import { InputFailure } from './lib/step/StepFailure'

/**
 * The extension settings as Studio shows them, and their Zod schema below, kept in sync: a
 * registry test checks that every key here is in the schema and that each required one is
 * refused when missing. Settings values are single-line strings or undefined. Every setting but
 * `connections` is also a key of each named connection: adding a setting here and to
 * CONNECTION_SHAPE makes it valid in `connections` too.
 */
export const settings = {
  tokenUrl: {
    key: 'tokenUrl',
    label: 'Token URL',
    obfuscated: false,
    required: false,
    description:
      'The OAuth 2.0 token endpoint (https; http only on localhost). Required unless "Issuer URL" is set for discovery, or a service-account key file (its token_uri) is given. Loopback, private and cloud metadata addresses are refused unless the extension server\'s operator opens them (OAUTHAPI_ALLOWED_NETWORKS).',
  },
  issuerUrl: {
    key: 'issuerUrl',
    label: 'Issuer URL',
    obfuscated: false,
    required: false,
    description:
      'Used only when Token URL is empty: the token endpoint is discovered from the issuer (OpenID Connect or RFC 8414 metadata) or from a FHIR base URL (SMART configuration).',
  },
  clientId: {
    key: 'clientId',
    label: 'Client ID',
    obfuscated: false,
    required: false,
    description:
      'The OAuth 2.0 client identifier. Required, except with a service-account key file, or with grantType jwt_bearer when "Assertion issuer" is set and no client authentication is.',
  },
  clientSecret: {
    key: 'clientSecret',
    label: 'Client secret',
    obfuscated: true,
    required: false,
    description: 'Required for the client_secret_* authentication methods.',
  },
  clientAuthMethod: {
    key: 'clientAuthMethod',
    label: 'Client authentication',
    obfuscated: false,
    required: false,
    description:
      'client_secret_basic (default, RFC 6749 §2.3.1), client_secret_post, client_secret_basic_unencoded (for servers that do not form-decode Basic credentials), private_key_jwt (RFC 7523, SMART Backend Services), or tls_client_auth / self_signed_tls_client_auth (RFC 8705 §2: the client certificate authenticates, client_id goes in the body; needs "Client certificate"). With grantType jwt_bearer no client authentication is sent unless this is set.',
  },
  privateKey: {
    key: 'privateKey',
    label: 'Private key',
    obfuscated: true,
    required: false,
    description:
      'For private_key_jwt and jwt_bearer: a PKCS#8 PEM private key (PKCS#1 and SEC1 PEM are read too; literal \\n accepted for line breaks, as settings are single-line) or a private JWK as JSON. With a service-account key file, its private_key is used unless this is set.',
  },
  privateKeyId: {
    key: 'privateKeyId',
    label: 'Private key ID (kid)',
    obfuscated: false,
    required: false,
    description:
      'For private_key_jwt and jwt_bearer: the kid of the public key registered with the server. When empty: the private JWK\'s own kid (or the service-account key\'s private_key_id), else the key\'s RFC 7638 thumbprint (what "npm run cli -- keygen" and "jwks" print).',
  },
  jwksUrl: {
    key: 'jwksUrl',
    label: 'JWK Set URL',
    obfuscated: false,
    required: false,
    description:
      'For private_key_jwt: where your public JWK Set is hosted (https); sent as the "jku" header of the client assertion (SMART Backend Services).',
  },
  signingAlgorithm: {
    key: 'signingAlgorithm',
    label: 'Signing algorithm',
    obfuscated: false,
    required: false,
    description:
      'For private_key_jwt and jwt_bearer: RS384 (default; RS256 with a service-account key file), ES384, RS256, ES256, PS384 or PS256 (Microsoft Entra certificate credentials).',
  },
  certificate: {
    key: 'certificate',
    label: 'Certificate of the private key',
    obfuscated: false,
    required: false,
    description:
      'The X.509 certificate (PEM; literal \\n accepted) of "Private key", as registered with the server (Microsoft Entra certificate credentials). Every signed assertion\'s header then carries its thumbprints x5t#S256 and x5t. It must be the private key\'s own certificate.',
  },
  grantType: {
    key: 'grantType',
    label: 'Grant type',
    obfuscated: false,
    required: false,
    description:
      'client_credentials (default; RFC 6749 §4.4) or jwt_bearer (RFC 7523 §2.1: a JWT signed with "Private key" is posted as the assertion; Google service accounts, Salesforce, DocuSign). jwt_bearer is the default with a service-account key file.',
  },
  assertionIssuer: {
    key: 'assertionIssuer',
    label: 'Assertion issuer (iss)',
    obfuscated: false,
    required: false,
    description:
      "For jwt_bearer: the assertion's iss claim (Salesforce: the connected app's consumer key; DocuSign: the integration key). Default: the service account's client_email, else \"Client ID\".",
  },
  assertionSubject: {
    key: 'assertionSubject',
    label: 'Assertion subject (sub)',
    obfuscated: false,
    required: false,
    description:
      "For jwt_bearer: the assertion's sub claim, the user the token acts for (Salesforce: the username; DocuSign: the user ID; Google: a user for domain-wide delegation). Default: the issuer; none with a service-account key file.",
  },
  assertionAudience: {
    key: 'assertionAudience',
    label: 'Assertion audience (aud)',
    obfuscated: false,
    required: false,
    description:
      "For jwt_bearer: the assertion's aud claim (Salesforce: https://login.salesforce.com; DocuSign: account-d.docusign.com). Default: the token endpoint URL.",
  },
  assertionLifetimeSeconds: {
    key: 'assertionLifetimeSeconds',
    label: 'Assertion lifetime (seconds)',
    obfuscated: false,
    required: false,
    description: `For jwt_bearer: how long the assertion is valid (exp − iat). Default ${DEFAULT_ASSERTION_LIFETIME_SECONDS}, at most ${MAX_ASSERTION_LIFETIME_SECONDS} (Google's limit).`,
  },
  scopeInAssertion: {
    key: 'scopeInAssertion',
    label: 'Scope in the assertion',
    obfuscated: false,
    required: false,
    description:
      'For jwt_bearer: "true" sends the scope as the assertion\'s scope claim instead of a request parameter (Google). Default: true with a service-account key file, else false.',
  },
  serviceAccountKey: {
    key: 'serviceAccountKey',
    label: 'Google service-account key file',
    obfuscated: true,
    required: false,
    description:
      'A Google service-account key file (its whole JSON). It implies jwt_bearer, signed RS256 with its private_key (kid private_key_id), issued by its client_email, sent to its token_uri, with the scope in the assertion; "Client ID" and "Token URL" are then not needed (settings that are set win).',
  },
  clientCertificate: {
    key: 'clientCertificate',
    label: 'Client certificate (mutual TLS)',
    obfuscated: false,
    required: false,
    description:
      'The client certificate (PEM; literal \\n accepted), the leaf first and any intermediates after it, presented in the TLS handshake to the token endpoint and the API alike (RFC 8705: tls_client_auth and certificate-bound tokens; NHS GP Connect). Needs "Client certificate key".',
  },
  clientCertificateKey: {
    key: 'clientCertificateKey',
    label: 'Client certificate key',
    obfuscated: true,
    required: false,
    description: 'The PEM private key of "Client certificate" (literal \\n accepted).',
  },
  caCertificates: {
    key: 'caCertificates',
    label: 'Trusted CA certificates',
    obfuscated: false,
    required: false,
    description:
      "One or more PEM CA certificates (literal \\n accepted) trusted for this connection in addition to the usual roots, e.g. a hospital's own CA. Certificate verification is never turned off: a server certificate that does not verify ends the step (code TLS).",
  },
  scope: {
    key: 'scope',
    label: 'Scope',
    obfuscated: false,
    required: false,
    description: 'Space-separated scopes to request, e.g. system/Patient.rs.',
  },
  audience: {
    key: 'audience',
    label: 'Audience',
    obfuscated: false,
    required: false,
    description: 'Sent as the "audience" parameter (Auth0 and similar servers).',
  },
  resource: {
    key: 'resource',
    label: 'Resource',
    obfuscated: false,
    required: false,
    description: 'RFC 8707 resource indicator: an absolute URI without a fragment.',
  },
  extraTokenParams: {
    key: 'extraTokenParams',
    label: 'Extra token parameters',
    obfuscated: false,
    required: false,
    description:
      'A JSON object of extra form parameters for the token request, e.g. {"tenant":"t1"}.',
  },
  apiBaseUrl: {
    key: 'apiBaseUrl',
    label: 'API base URL',
    obfuscated: false,
    required: true,
    description:
      "The resource server, e.g. https://fhir.example.com/api/FHIR/R4; for a GraphQL API its endpoint, or a root under which the Path field names it. The access token is only ever sent to URLs under it. Loopback, private and cloud metadata addresses are refused unless the extension server's operator opens them (OAUTHAPI_ALLOWED_NETWORKS).",
  },
  timeoutSeconds: {
    key: 'timeoutSeconds',
    label: 'Timeout (seconds)',
    obfuscated: false,
    required: false,
    description:
      'Bounds the whole step: discovery, the token request, every retry and its wait, every redirect, the renewal, the API call and every page share one deadline. Default 30, from 1 to 300.',
  },
  maxResponseSizeMB: {
    key: 'maxResponseSizeMB',
    label: 'Maximum response size (MB)',
    obfuscated: false,
    required: false,
    description:
      'A larger response body ends the step in an error (all pages together when paging). Default 10, at most 100.',
  },
  maxRequestsPerMinute: {
    key: 'maxRequestsPerMinute',
    label: 'Maximum requests per minute',
    obfuscated: false,
    required: false,
    description:
      'Optional, 1 to 100000: API requests of these settings are spaced to this budget across all care flows (token requests do not count). A step waits for its turn within its timeout.',
  },
  tokenDataPoints: {
    key: 'tokenDataPoints',
    label: 'Token data points',
    obfuscated: false,
    required: false,
    description:
      'What the accessToken data points hold: "token" (default) or "reference", an opaque oauthapi-ref:… value that only this extension resolves, so the token is never stored with the care flow, sent to webhooks or exported.',
  },
  tokenPath: {
    key: 'tokenPath',
    label: 'Token path',
    obfuscated: false,
    required: false,
    description:
      'Where the token is in the token response: a dotted path of member names, e.g. "data.token" or "idToken". Default "access_token" (RFC 6749 §5.1).',
  },
  expiresInPath: {
    key: 'expiresInPath',
    label: 'Lifetime path',
    obfuscated: false,
    required: false,
    description:
      'Where the token\'s lifetime in seconds is in the token response: a dotted path, default "expires_in". A number or a numeric string ("3600") is accepted.',
  },
  expiresAtPath: {
    key: 'expiresAtPath',
    label: 'Expiry path',
    obfuscated: false,
    required: false,
    description:
      'Optional: where an absolute expiry is in the token response (an ISO 8601 date-time with a time zone, or epoch seconds; 1e11 and more are read as epoch milliseconds), used when the response gives no lifetime.',
  },
  tokenLifetimeSeconds: {
    key: 'tokenLifetimeSeconds',
    label: 'Token lifetime (seconds)',
    obfuscated: false,
    required: false,
    description:
      'Optional, 1 to 31536000: the lifetime to assume when the token response gives none and the token is not a JWT with "exp" (e.g. Salesforce). Without it such a token is reused for at most 5 minutes. An API answer of 401 renews the token in every case.',
  },
  tokenHeader: {
    key: 'tokenHeader',
    label: 'Token header',
    obfuscated: false,
    required: false,
    description:
      'How the token is sent to the API: a header line with {token}, default "Authorization: Bearer {token}" (RFC 6750 §2.1); e.g. "Authorization: Token token={token}", "Authorization: {token}", "X-Access-Token: {token}". With another template, token types other than Bearer are accepted. {token} must appear exactly once; the name must be a valid header name (not Host, Content-Length, Content-Type, Accept or another framing header) and the line has no CR/LF.',
  },
  tokenQueryParameter: {
    key: 'tokenQueryParameter',
    label: 'Token query parameter',
    obfuscated: false,
    required: false,
    description:
      'Optional, a last resort (RFC 6750 §2.3; URLs end up in logs): send the token as this query parameter, e.g. access_token, instead of a header. Not together with Token header. The token is scrubbed from every URL the step reports and only sent under the API base URL.',
  },
  apiHeaders: {
    key: 'apiHeaders',
    label: 'API headers',
    obfuscated: true,
    required: false,
    description:
      'Optional: a JSON object of headers sent with every API request (every page, retry and repeat after a token renewal), never with token requests and never outside the API base URL, e.g. {"x-api-key":"…"}. Values are treated as secrets. A step\'s own Headers field wins over an entry of the same name. May not set Host, Content-Length, Transfer-Encoding or the token header.',
  },
  tokenRequestFormat: {
    key: 'tokenRequestFormat',
    label: 'Token request format',
    obfuscated: false,
    required: false,
    description:
      '"form" (default; application/x-www-form-urlencoded, RFC 6749 §4.4.2) or "json": the token request\'s parameters (grant type, scope, audience, resource, extra parameters, and with client_secret_post the client id and secret) as one JSON object, for token endpoints that take only JSON.',
  },
  connections: {
    key: 'connections',
    label: 'Named connections',
    obfuscated: true,
    required: false,
    description:
      'Optional, for several systems: a JSON object whose keys are connection names (1 to 40 characters of A-Z a-z 0-9 _ - .) and whose values are objects with the same keys as these settings, e.g. {"lab": {"tokenUrl": "https://lab.example.com/token", "clientId": "…", "clientSecret": "…", "apiBaseUrl": "https://lab.example.com/api"}}. Each connection stands on its own (nothing is inherited from these settings) with the same defaults and rules; a step picks one with its Connection field, and the settings above are the connection "default".',
  },
} satisfies Record<string, Setting>

type SettingKey = keyof typeof settings

/** The keys of one connection: every setting but `connections` itself. */
type ConnectionSettingKey = Exclude<SettingKey, 'connections'>

/**
 * The rules of each setting of one connection — the flat settings (the connection `default`) and
 * every entry of `connections` alike. Rules that span several keys are in buildConnection.
 */
const CONNECTION_SHAPE = {
  tokenUrl: optionalEndpointUrl({ allowQuery: true }),
  /** RFC 8414 §2 and OpenID Connect Discovery: an issuer has no query or fragment. */
  issuerUrl: optionalEndpointUrl({ allowQuery: false }),
  // Required unless a service-account key or jwt_bearer's assertionIssuer stands for it
  // (credentials.ts).
  clientId: optionalText,
  clientSecret: optionalSecret,
  // Unset: the default depends on the grant (client_secret_basic, none with jwt_bearer).
  clientAuthMethod: optionalOneOf(CLIENT_AUTH_METHODS),
  // Read in buildConnection, with the method and algorithm it is for.
  privateKey: optionalText,
  privateKeyId: optionalText,
  jwksUrl: optionalEndpointUrl({ allowQuery: true }),
  // Unset: RS256 with a service-account key (Google), else RS384.
  signingAlgorithm: optionalOneOf(SIGNING_ALGORITHMS),
  // Read in buildConnection: it must be the signing key's own certificate.
  certificate: optionalText,
  // Unset: jwt_bearer with a service-account key, else client_credentials.
  grantType: optionalOneOf(GRANT_TYPES),
  assertionIssuer: optionalText,
  assertionSubject: optionalText,
  assertionAudience: optionalText,
  /** RFC 7523 §3 exp − iat: at most an hour (Google's limit). */
  assertionLifetimeSeconds: optionalWholeNumber(1, MAX_ASSERTION_LIFETIME_SECONDS),
  // Unset: true with a service-account key (Google), else false.
  scopeInAssertion: optionalOneOf(['true', 'false']),
  serviceAccountKey: readBy(serviceAccountKey),
  // Read together in buildConnection (tlsProfile.ts): the key must be the certificate's.
  clientCertificate: optionalText,
  clientCertificateKey: optionalText,
  caCertificates: optionalText,
  scope: optionalText,
  audience: optionalText,
  resource: optionalResourceIndicator,
  /** Extra form parameters; they may not override what the extension sets. */
  extraTokenParams: jsonStringRecord(
    RESERVED_TOKEN_PARAMS,
    'it has its own setting or is set by the extension',
  ),
  apiBaseUrl: requiredEndpointUrl,
  timeoutSeconds: numberInRange(30, 1, 300),
  maxResponseSizeMB: numberInRange(10, 0.001, 100),
  maxRequestsPerMinute: optionalWholeNumber(1, 100_000),
  tokenDataPoints: oneOf(TOKEN_DATA_POINT_MODES, 'token'),
  tokenPath: readBy(tokenPath),
  expiresInPath: readBy(expiresInPath),
  expiresAtPath: readBy(expiresAtPath),
  /** 1 s to a year: a longer lifetime would be treated as unknown anyway (MAX_TOKEN_LIFETIME_MS). */
  tokenLifetimeSeconds: optionalWholeNumber(1, MAX_TOKEN_LIFETIME_MS / 1000),
  tokenHeader: readBy(tokenHeader),
  tokenQueryParameter: readBy(tokenQueryParameter),
  apiHeaders: readBy(apiHeaders),
  tokenRequestFormat: oneOf(TOKEN_REQUEST_FORMATS, 'form'),
} satisfies Record<ConnectionSettingKey, ZodTypeAny>

type ConnectionValues = z.output<z.ZodObject<typeof CONNECTION_SHAPE>>

/** The settings of one connection as the actions use them: each rule already applied. */
export interface OAuthApiSettings {
  /** The connection's name: `default` for the flat settings. */
  connection: string
  client: TokenClient
  apiBase: ApiBase
  timeoutSeconds: number
  maxResponseBytes: number
  /** The client secret or private key, for the run's redactor. */
  secrets: readonly string[]
  /** The API request budget of this connection, when maxRequestsPerMinute is set. */
  requestRate: RequestRate | undefined
  /** What the accessToken data points hold: the token, or a reference to it. */
  tokenDataPoints: TokenDataPointMode
  /** Where the token goes in API requests, and the fixed headers beside it. */
  apiAccess: ApiAccess
  /** The connection's client certificate and extra CAs, when it has any. */
  tls: TlsProfile | undefined
}

/** A Google service-account key file (see serviceAccountKey.ts); never echoed in a problem. */
function serviceAccountKey(value: unknown): ServiceAccountKey | undefined {
  const text = textValue(value)
  if (text === undefined) return undefined
  const read = readServiceAccountKey(text)
  if ('problem' in read) throw new InputProblem(read.problem)
  return read
}

/** Thrown by buildConnection for the key at fault; the schema makes it an issue. */
class KeyProblem extends InputProblem {
  constructor(message: string, key: ConnectionSettingKey) {
    super(message, key)
  }
}

/** A connection's values built into what the actions use; a rule across keys names its key. */
const builtFor =
  (name: string) =>
  (value: ConnectionValues, ctx: z.RefinementCtx): OAuthApiSettings => {
    try {
      return buildConnection(name, value)
    } catch (error) {
      if (!(error instanceof KeyProblem)) throw error
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: [error.key ?? ''], message: error.message })
      return z.NEVER
    }
  }

/** A named connection's schema: the same rules as the flat settings'. */
const connectionSchema = (name: string) => z.object(CONNECTION_SHAPE).transform(builtFor(name))

/**
 * The flat settings' schema (the house's SettingsValidationSchema): the connection `default`.
 * Of `connections` only its type (text) is checked here: a step reads only the entry it uses
 * (parseSettings).
 */
export const SettingsValidationSchema = z
  .object({ ...CONNECTION_SHAPE, connections: optionalSecret })
  .transform(builtFor(DEFAULT_CONNECTION))

const buildConnection = (name: string, value: ConnectionValues): OAuthApiSettings => {
  const tokenUrl = value.tokenUrl ?? value.serviceAccountKey?.tokenUri
  const endpoint: TokenEndpoint | undefined =
    tokenUrl !== undefined
      ? { kind: 'url', url: tokenUrl }
      : value.issuerUrl !== undefined
        ? { kind: 'issuer', issuer: value.issuerUrl }
        : undefined
  if (endpoint === undefined) {
    throw new KeyProblem('is required (or set "issuerUrl" to discover it)', 'tokenUrl')
  }
  const tls = readTlsProfile(value)
  if (tls !== undefined && 'problem' in tls) throw new KeyProblem(tls.problem, tls.setting)
  const { grant, auth, secrets } = namingKey(() =>
    connectionCredentials(
      {
        ...value,
        assertionLifetimeSeconds:
          value.assertionLifetimeSeconds ?? DEFAULT_ASSERTION_LIFETIME_SECONDS,
        scopeInAssertion:
          value.scopeInAssertion === undefined ? undefined : value.scopeInAssertion === 'true',
      },
      tls,
    ),
  )
  if (value.clientCertificateKey !== undefined) secrets.push(value.clientCertificateKey)
  const apiBase = parseApiBase(value.apiBaseUrl.href)
  const placement = placementOf(value)
  const access = apiAccessOf(placement, value)
  const client = tokenClient(
    {
      // Tokens of one connection go to its API base URL only.
      connection: JSON.stringify([name, apiBase.href]),
      endpoint,
      grant,
      auth,
      tlsId: tls?.id,
      scope: value.scope,
      audience: value.audience,
      resource: value.resource,
      extraParams: value.extraTokenParams,
      dialect: tokenDialect(
        {
          tokenPath: value.tokenPath,
          expiresInPath: value.expiresInPath,
          expiresAtPath: value.expiresAtPath,
          lifetimeSeconds: value.tokenLifetimeSeconds,
          requestFormat: value.tokenRequestFormat,
        },
        placement.kind === 'header' && placement.isDefault,
      ),
    },
    secrets.join('\n'),
  )
  return {
    connection: name,
    client,
    apiBase,
    timeoutSeconds: value.timeoutSeconds,
    maxResponseBytes: Math.round(value.maxResponseSizeMB * 1024 * 1024),
    secrets: [...secrets, ...apiHeaderValues(access.headers)],
    requestRate:
      value.maxRequestsPerMinute === undefined
        ? undefined
        : { perMinute: value.maxRequestsPerMinute, key: rateKey(client, apiBase) },
    tokenDataPoints: value.tokenDataPoints,
    apiAccess: access,
    tls,
  }
}

/** A rule across keys (credentials.ts) that names its key becomes that key's problem. */
const namingKey = <T>(read: () => T): T => {
  try {
    return read()
  } catch (error) {
    if (
      error instanceof InputProblem &&
      !(error instanceof KeyProblem) &&
      error.key !== undefined
    ) {
      throw new KeyProblem(error.message, error.key as ConnectionSettingKey)
    }
    throw error
  }
}

/** Where the token goes; a rule across tokenHeader and tokenQueryParameter names its key. */
const placementOf = (value: ConnectionValues): TokenPlacement => {
  try {
    return tokenPlacement(value.tokenHeader, value.tokenQueryParameter)
  } catch (error) {
    if (error instanceof InputProblem) throw new KeyProblem(error.message, 'tokenQueryParameter')
    throw error
  }
}

/** The fixed API headers beside the token; they may not set the token's own header. */
const apiAccessOf = (placement: TokenPlacement, value: ConnectionValues): ApiAccess => {
  try {
    return apiAccess(placement, value.apiHeaders)
  } catch (error) {
    if (error instanceof InputProblem) throw new KeyProblem(error.message, 'apiHeaders')
    throw error
  }
}

/**
 * One connection's key for the rate limit: the token client (connection, token URL or issuer,
 * client, credential digest, …) and the API base URL, hashed — it may be sent to the runtime's
 * limiter.
 */
const rateKey = (client: TokenClient, apiBase: ApiBase): string =>
  createHash('sha256').update(`${client.cacheKey}\n${apiBase.href}`).digest('hex')

/**
 * The Connection field: a connection name, `default` when empty. Its value may come from a data
 * point (e.g. the patient's hospital), so it is checked at run time.
 */
export const connectionName: ValueParser<string> = (value) => {
  const name = optionalFieldText(value) ?? DEFAULT_CONNECTION
  if (!isConnectionName(name)) throw new InputProblem(NAME_RULE)
  return name
}

/**
 * Parsed connections per distinct settings value: a connection's settings are parsed (and its
 * private key read) once, not on every run. Bounded; failures are not kept.
 */
const MAX_CACHED_SETTINGS = 100
const settingsCache = new LRUCache<string, OAuthApiSettings>({ max: MAX_CACHED_SETTINGS })

/**
 * The settings of the connection a step uses (`connection`: the Connection field's value; empty
 * or `default` for the flat settings). Only that connection is read and validated. Settings at
 * fault end the run in MISSING_SETTINGS naming the setting — `connections.<name>.<key>` inside a
 * named connection; an unknown name in WRONG_INPUT naming the Connection field.
 */
export const parseSettings = (raw: unknown, connection?: unknown): OAuthApiSettings => {
  const name = connectionNameOf(connection)
  const flat = (raw ?? {}) as Record<string, unknown>
  const key = cacheKeyOf(name, name === DEFAULT_CONNECTION ? flat : flat.connections)
  const cached = key !== undefined ? settingsCache.get(key) : undefined
  if (cached !== undefined) return cached
  const parsed =
    name === DEFAULT_CONNECTION
      ? parseInput(SettingsValidationSchema, raw, 'setting')
      : parseNamed(name, flat.connections)
  if (key !== undefined) settingsCache.set(key, parsed)
  return parsed
}

const connectionNameOf = (connection: unknown): string => {
  try {
    return connectionName(connection)
  } catch (error) {
    if (!(error instanceof InputProblem)) throw error
    throw new InputFailure('field', [{ key: 'connection', problem: error.message }])
  }
}

/** A named connection's entry, parsed with the same rules; issues name connections.<name>.<key>. */
const parseNamed = (name: string, connections: unknown): OAuthApiSettings => {
  const entry = connectionEntry(connections, name)
  try {
    return parseInput(connectionSchema(name), asSettingsText(entry), 'setting')
  } catch (error) {
    if (!(error instanceof InputFailure)) throw error
    throw new InputFailure(
      'setting',
      error.issues.map((issue) => ({ ...issue, key: `connections.${name}.${issue.key}` })),
    )
  }
}

/**
 * A connection entry's values as settings are: text. JSON numbers and booleans are read as their
 * text (`"timeoutSeconds": 60` is "60"); anything else is left for the schema to refuse.
 */
const asSettingsText = (entry: Record<string, unknown>): Record<string, unknown> => {
  // No prototype: an entry's "__proto__" key stays a key like any other.
  const values = Object.create(null) as Record<string, unknown>
  for (const [key, value] of Object.entries(entry)) {
    values[key] = typeof value === 'number' || typeof value === 'boolean' ? String(value) : value
  }
  return values
}

/**
 * The cache's key: the connection's name and its settings (the flat settings, or the text of
 * `connections`); anything that cannot be JSON is parsed without a cache.
 */
const cacheKeyOf = (name: string, settingsValue: unknown): string | undefined => {
  try {
    return JSON.stringify([name, settingsValue ?? {}])
  } catch {
    return undefined
  }
}
