import type { Setting } from '@awell-health/extensions-core'
import { LRUCache } from 'lru-cache'
import { createHash } from 'node:crypto'
import { parseApiBase, type ApiBase } from './lib/api/resolveUnderBase'
import { endpointUrlProblem } from './lib/http/transportPolicy'
import { InputProblem, objectOfParsers, type ValueParser } from './lib/input/objectOfParsers'
import { parseInput } from './lib/input/parseInput'
import {
  booleanValue,
  isPlainObject,
  numberInRange,
  oneOf,
  wholeNumberInRange,
  optionalSecret,
  optionalText,
  requiredText,
} from './lib/input/valueParsers'
import { readTlsProfile, type TlsProfile } from './lib/http/tlsProfile'
import { connectionCredentials } from './lib/oauth/credentials'
import {
  DEFAULT_ASSERTION_LIFETIME_SECONDS,
  GRANT_TYPES,
  MAX_ASSERTION_LIFETIME_SECONDS,
} from './lib/oauth/grant'
import { readServiceAccountKey, type ServiceAccountKey } from './lib/oauth/serviceAccountKey'
import type { RequestRate } from './lib/rate/requestRate'
import { RESERVED_TOKEN_PARAMS } from './lib/oauth/requestToken'
import {
  CLIENT_AUTH_METHODS,
  SIGNING_ALGORITHMS,
  tokenClient,
  type TokenClient,
  type TokenEndpoint,
} from './lib/oauth/TokenClient'
import { TOKEN_DATA_POINT_MODES, type TokenDataPointMode } from './lib/oauth/tokenReferences'

/**
 * The extension settings as Studio shows them, and their Zod schema below, kept in sync: a
 * registry test checks that every key here is in the schema and that each required one is
 * refused when missing. Settings values are single-line strings or undefined.
 */
export const settings = {
  tokenUrl: {
    key: 'tokenUrl',
    label: 'Token URL',
    obfuscated: false,
    required: false,
    description:
      'The OAuth 2.0 token endpoint (https; http only on localhost). Required unless "Issuer URL" is set for discovery, or a service-account key file (its token_uri) is given.',
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
      'For private_key_jwt and jwt_bearer: a PKCS#8 PEM private key (literal \\n accepted for line breaks) or a private JWK as JSON. With a service-account key file, its private_key is used unless this is set.',
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
      'The resource server, e.g. https://fhir.example.com/api/FHIR/R4. The access token is only ever sent to URLs under it.',
  },
  timeoutSeconds: {
    key: 'timeoutSeconds',
    label: 'Timeout (seconds)',
    obfuscated: false,
    required: false,
    description: 'Bounds every request, token and API alike. Default 30, at most 300.',
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
} satisfies Record<string, Setting>

export type SettingKey = keyof typeof settings

/** An endpoint URL (see endpointUrlProblem); only the token URL may have a query string. */
const endpointUrl =
  (options: { allowQuery: boolean }): ValueParser<URL | undefined> =>
  (value) => {
    const text = optionalText(value)
    if (text === undefined) return undefined
    const problem = endpointUrlProblem(text, options)
    if (problem !== undefined) throw new InputProblem(problem)
    return new URL(text)
  }
const tokenUrl = endpointUrl({ allowQuery: true })
/** RFC 8414 §2 and OpenID Connect Discovery: an issuer has no query or fragment. */
const issuerUrl = endpointUrl({ allowQuery: false })
const apiBaseUrl: ValueParser<URL> = (value) =>
  endpointUrl({ allowQuery: false })(value) ?? new URL(requiredText(value))

const requestsPerMinute = wholeNumberInRange(undefined, 1, 100_000)
const assertionLifetime = wholeNumberInRange(undefined, 1, MAX_ASSERTION_LIFETIME_SECONDS)

/** One of `values`, or undefined when unset (the default then depends on other settings). */
const optionalOneOf =
  <T extends string>(values: readonly T[]): ValueParser<T | undefined> =>
  (value) =>
    optionalText(value) === undefined ? undefined : oneOf(values, values[0])(value)

/** A Google service-account key file (see serviceAccountKey.ts); never echoed in a problem. */
const serviceAccountKey: ValueParser<ServiceAccountKey | undefined> = (value) => {
  const text = optionalSecret(value)
  if (text === undefined || text.trim() === '') return undefined
  const read = readServiceAccountKey(text)
  if ('problem' in read) throw new InputProblem(read.problem)
  return read
}

/** RFC 8707 §2: an absolute URI that MUST NOT include a fragment. */
const resourceIndicator: ValueParser<string | undefined> = (value) => {
  const text = optionalText(value)
  if (text === undefined) return undefined
  if (!URL.canParse(text) || text.includes('#')) {
    throw new InputProblem('must be an absolute URI without a fragment')
  }
  return text
}

/** A JSON object of extra form parameters; it may not override what the extension sets. */
const extraTokenParams: ValueParser<Readonly<Record<string, string>>> = (value) => {
  const text = optionalText(value)
  if (text === undefined) return {}
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    parsed = undefined
  }
  if (!isPlainObject(parsed)) throw new InputProblem('must be a JSON object')
  const params: Record<string, string> = {}
  for (const [name, param] of Object.entries(parsed)) {
    if (RESERVED_TOKEN_PARAMS.has(name)) {
      throw new InputProblem(
        `may not set "${name}" (it has its own setting or is set by the extension)`,
      )
    }
    if (!['string', 'number', 'boolean'].includes(typeof param)) {
      throw new InputProblem(`value of "${name.slice(0, 60)}" must be a string`)
    }
    params[name] = String(param)
  }
  return params
}

/** The settings as the actions use them: each rule already applied, nothing left to check. */
export interface OAuthApiSettings {
  client: TokenClient
  apiBase: ApiBase
  timeoutSeconds: number
  maxResponseBytes: number
  /** The client secret or private key, for the run's redactor. */
  secrets: readonly string[]
  /** The API request budget of this configuration, when maxRequestsPerMinute is set. */
  requestRate: RequestRate | undefined
  /** What the accessToken data points hold: the token, or a reference to it. */
  tokenDataPoints: TokenDataPointMode
  /** The connection's client certificate and extra CAs, when it has any. */
  tls: TlsProfile | undefined
}

export const SettingsValidationSchema = objectOfParsers(
  {
    tokenUrl,
    issuerUrl,
    clientId: optionalText,
    clientSecret: optionalSecret,
    clientAuthMethod: optionalOneOf(CLIENT_AUTH_METHODS),
    privateKey: optionalText,
    privateKeyId: optionalText,
    jwksUrl: endpointUrl({ allowQuery: true }),
    signingAlgorithm: optionalOneOf(SIGNING_ALGORITHMS),
    certificate: optionalText,
    grantType: optionalOneOf(GRANT_TYPES),
    assertionIssuer: optionalText,
    assertionSubject: optionalText,
    assertionAudience: optionalText,
    assertionLifetimeSeconds: (value) =>
      assertionLifetime(optionalText(value)) ?? DEFAULT_ASSERTION_LIFETIME_SECONDS,
    scopeInAssertion: (value) =>
      optionalText(value) === undefined ? undefined : booleanValue(false)(optionalText(value)),
    serviceAccountKey,
    clientCertificate: optionalText,
    clientCertificateKey: optionalText,
    caCertificates: optionalText,
    scope: optionalText,
    audience: optionalText,
    resource: resourceIndicator,
    extraTokenParams,
    apiBaseUrl,
    timeoutSeconds: numberInRange(30, 1, 300),
    maxResponseSizeMB: numberInRange(10, 0.001, 100),
    // Settings are text: anything else (null too) is refused by optionalText.
    maxRequestsPerMinute: (value) => requestsPerMinute(optionalText(value)),
    tokenDataPoints: oneOf(TOKEN_DATA_POINT_MODES, 'token'),
  } satisfies Record<SettingKey, ValueParser<unknown>>,
  (value): OAuthApiSettings => {
    const tokenUrl = value.tokenUrl ?? value.serviceAccountKey?.tokenUri
    const endpoint: TokenEndpoint | undefined =
      tokenUrl !== undefined
        ? { kind: 'url', url: tokenUrl }
        : value.issuerUrl !== undefined
          ? { kind: 'issuer', issuer: value.issuerUrl }
          : undefined
    if (endpoint === undefined) {
      throw new InputProblem('is required (or set "issuerUrl" to discover it)', 'tokenUrl')
    }
    const tls = readTlsProfile(value)
    if (tls !== undefined && 'problem' in tls) throw new InputProblem(tls.problem, tls.setting)
    const { grant, auth, secrets } = connectionCredentials(value, tls)
    if (value.clientCertificateKey !== undefined) secrets.push(value.clientCertificateKey)
    const client = tokenClient(
      {
        endpoint,
        grant,
        auth,
        tlsId: tls?.id,
        scope: value.scope,
        audience: value.audience,
        resource: value.resource,
        extraParams: value.extraTokenParams,
      },
      secrets.join('\n'),
    )
    const apiBase = parseApiBase(value.apiBaseUrl.href)
    return {
      client,
      apiBase,
      timeoutSeconds: value.timeoutSeconds,
      maxResponseBytes: Math.round(value.maxResponseSizeMB * 1024 * 1024),
      secrets,
      requestRate:
        value.maxRequestsPerMinute === undefined
          ? undefined
          : { perMinute: value.maxRequestsPerMinute, key: rateKey(client, apiBase) },
      tokenDataPoints: value.tokenDataPoints,
      tls,
    }
  },
)

/**
 * One configuration's key for the rate limit: the token client (token URL or issuer, client,
 * credential digest, …) and the API base URL, hashed — it may be sent to the runtime's limiter.
 */
const rateKey = (client: TokenClient, apiBase: ApiBase): string =>
  createHash('sha256').update(`${client.cacheKey}\n${apiBase.href}`).digest('hex')

/**
 * Parsed settings per distinct settings value: a tenant's settings are parsed (and its private
 * key read) once, not on every run. Bounded; failures are not kept.
 */
const MAX_CACHED_SETTINGS = 100
const settingsCache = new LRUCache<string, OAuthApiSettings>({ max: MAX_CACHED_SETTINGS })

/** Settings at fault end the run in MISSING_SETTINGS, naming the setting. */
export const parseSettings = (raw: unknown): OAuthApiSettings => {
  const key = cacheKeyOf(raw)
  const cached = key !== undefined ? settingsCache.get(key) : undefined
  if (cached !== undefined) return cached
  const parsed = parseInput(SettingsValidationSchema, raw, 'setting')
  if (key !== undefined) settingsCache.set(key, parsed)
  return parsed
}

/** Settings are an object of strings; anything that cannot be JSON is parsed without a cache. */
const cacheKeyOf = (raw: unknown): string | undefined => {
  try {
    return JSON.stringify(raw ?? {})
  } catch {
    return undefined
  }
}
