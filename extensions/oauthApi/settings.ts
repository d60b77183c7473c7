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
  optionalResourceIndicator,
  optionalSecret,
  optionalText,
  optionalWholeNumber,
  readBy,
  requiredEndpointUrl,
  requiredText,
} from './lib/input/settingValues'
import { optionalFieldText } from './lib/input/valueParsers'
import { readPrivateKey } from './lib/oauth/clientAssertion'
import {
  expiresAtPath,
  expiresInPath,
  TOKEN_REQUEST_FORMATS,
  tokenDialect,
  tokenPath,
} from './lib/oauth/dialect'
import { assertionKeyId } from './lib/oauth/publicJwk'
import type { RequestRate } from './lib/rate/requestRate'
import { RESERVED_TOKEN_PARAMS } from './lib/oauth/requestToken'
import { MAX_TOKEN_LIFETIME_MS } from './lib/oauth/tokenLifetime'
import {
  CLIENT_AUTH_METHODS,
  SIGNING_ALGORITHMS,
  tokenClient,
  type ClientAuth,
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
      'The OAuth 2.0 token endpoint (https; http only on localhost). Required unless "Issuer URL" is set for discovery. Loopback, private and cloud metadata addresses are refused unless the extension server\'s operator opens them (OAUTHAPI_ALLOWED_NETWORKS).',
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
    required: true,
    description: 'The OAuth 2.0 client identifier.',
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
      'client_secret_basic (default, RFC 6749 §2.3.1), client_secret_post, client_secret_basic_unencoded (for servers that do not form-decode Basic credentials) or private_key_jwt (RFC 7523, SMART Backend Services).',
  },
  privateKey: {
    key: 'privateKey',
    label: 'Private key',
    obfuscated: true,
    required: false,
    description:
      'For private_key_jwt: a PKCS#8 PEM private key (PKCS#1 and SEC1 PEM are read too; literal \\n accepted for line breaks, as settings are single-line) or a private JWK as JSON.',
  },
  privateKeyId: {
    key: 'privateKeyId',
    label: 'Private key ID (kid)',
    obfuscated: false,
    required: false,
    description:
      'For private_key_jwt: the kid of the public key registered with the server. When empty: the private JWK\'s own kid, else the key\'s RFC 7638 thumbprint (what "npm run cli -- keygen" and "jwks" print).',
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
    description: 'For private_key_jwt: RS384 (default), ES384, RS256, ES256 or PS384.',
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
  clientId: requiredText,
  clientSecret: optionalSecret,
  clientAuthMethod: oneOf(CLIENT_AUTH_METHODS, 'client_secret_basic'),
  // Read in buildConnection, with the method and algorithm it is for.
  privateKey: optionalText,
  privateKeyId: optionalText,
  jwksUrl: optionalEndpointUrl({ allowQuery: true }),
  signingAlgorithm: oneOf(SIGNING_ALGORITHMS, 'RS384'),
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
  const endpoint: TokenEndpoint | undefined =
    value.tokenUrl !== undefined
      ? { kind: 'url', url: value.tokenUrl }
      : value.issuerUrl !== undefined
        ? { kind: 'issuer', issuer: value.issuerUrl }
        : undefined
  if (endpoint === undefined) {
    throw new KeyProblem('is required (or set "issuerUrl" to discover it)', 'tokenUrl')
  }
  const { auth, credential } = clientAuth(value)
  const apiBase = parseApiBase(value.apiBaseUrl.href)
  const placement = placementOf(value)
  const access = apiAccessOf(placement, value)
  const client = tokenClient(
    {
      // Tokens of one connection go to its API base URL only.
      connection: JSON.stringify([name, apiBase.href]),
      endpoint,
      auth,
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
    credential,
  )
  return {
    connection: name,
    client,
    apiBase,
    timeoutSeconds: value.timeoutSeconds,
    maxResponseBytes: Math.round(value.maxResponseSizeMB * 1024 * 1024),
    secrets: [credential, ...apiHeaderValues(access.headers)],
    requestRate:
      value.maxRequestsPerMinute === undefined
        ? undefined
        : { perMinute: value.maxRequestsPerMinute, key: rateKey(client, apiBase) },
    tokenDataPoints: value.tokenDataPoints,
    apiAccess: access,
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

/** The client authentication method with exactly what it needs; the private key parsed. */
const clientAuth = (value: ConnectionValues): { auth: ClientAuth; credential: string } => {
  const { clientId, clientAuthMethod: method } = value
  if (method === 'private_key_jwt') {
    if (value.privateKey === undefined) {
      throw new KeyProblem('is required for private_key_jwt', 'privateKey')
    }
    // What Zod cannot say: whether the text is a private key of the algorithm's type.
    const read = readPrivateKey(value.privateKey, value.signingAlgorithm)
    if ('problem' in read) throw new KeyProblem(read.problem, 'privateKey')
    return {
      auth: {
        method,
        clientId,
        key: read.key,
        keyId: assertionKeyId(value.privateKeyId, read.jwkKid, read.key),
        algorithm: value.signingAlgorithm,
        jwksUrl: value.jwksUrl,
      },
      credential: value.privateKey,
    }
  }
  if (value.clientSecret === undefined) {
    throw new KeyProblem(`is required for ${method}`, 'clientSecret')
  }
  if (method === 'client_secret_basic_unencoded' && clientId.includes(':')) {
    // RFC 7617 §2: the user-id of Basic credentials cannot contain a colon.
    throw new KeyProblem('cannot contain ":" with client_secret_basic_unencoded', 'clientId')
  }
  return {
    auth: { method, clientId, clientSecret: value.clientSecret },
    credential: value.clientSecret,
  }
}

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
