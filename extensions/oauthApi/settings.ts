import type { Setting } from '@awell-health/extensions-core'
import { LRUCache } from 'lru-cache'
import { createHash } from 'node:crypto'
import { parseApiBase, type ApiBase } from './lib/api/resolveUnderBase'
import { endpointUrlProblem } from './lib/http/transportPolicy'
import { InputProblem, objectOfParsers, type ValueParser } from './lib/input/objectOfParsers'
import { parseInput } from './lib/input/parseInput'
import {
  isPlainObject,
  numberInRange,
  oneOf,
  wholeNumberInRange,
  optionalSecret,
  optionalText,
  requiredText,
} from './lib/input/valueParsers'
import { readPrivateKey } from './lib/oauth/clientAssertion'
import { assertionKeyId } from './lib/oauth/publicJwk'
import type { RequestRate } from './lib/rate/requestRate'
import { RESERVED_TOKEN_PARAMS } from './lib/oauth/requestToken'
import {
  CLIENT_AUTH_METHODS,
  SIGNING_ALGORITHMS,
  tokenClient,
  type ClientAuth,
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
      'The OAuth 2.0 token endpoint (https; http only on localhost). Required unless "Issuer URL" is set for discovery.',
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
      'The resource server, e.g. https://fhir.example.com/api/FHIR/R4; for a GraphQL API its endpoint, or a root under which the Path field names it. The access token is only ever sent to URLs under it.',
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
}

export const SettingsValidationSchema = objectOfParsers(
  {
    tokenUrl,
    issuerUrl,
    clientId: requiredText,
    clientSecret: optionalSecret,
    clientAuthMethod: oneOf(CLIENT_AUTH_METHODS, 'client_secret_basic'),
    privateKey: optionalText,
    privateKeyId: optionalText,
    jwksUrl: endpointUrl({ allowQuery: true }),
    signingAlgorithm: oneOf(SIGNING_ALGORITHMS, 'RS384'),
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
    const endpoint: TokenEndpoint | undefined =
      value.tokenUrl !== undefined
        ? { kind: 'url', url: value.tokenUrl }
        : value.issuerUrl !== undefined
          ? { kind: 'issuer', issuer: value.issuerUrl }
          : undefined
    if (endpoint === undefined) {
      throw new InputProblem('is required (or set "issuerUrl" to discover it)', 'tokenUrl')
    }
    const { auth, credential } = clientAuth(value)
    const client = tokenClient(
      {
        endpoint,
        auth,
        scope: value.scope,
        audience: value.audience,
        resource: value.resource,
        extraParams: value.extraTokenParams,
      },
      credential,
    )
    const apiBase = parseApiBase(value.apiBaseUrl.href)
    return {
      client,
      apiBase,
      timeoutSeconds: value.timeoutSeconds,
      maxResponseBytes: Math.round(value.maxResponseSizeMB * 1024 * 1024),
      secrets: [credential],
      requestRate:
        value.maxRequestsPerMinute === undefined
          ? undefined
          : { perMinute: value.maxRequestsPerMinute, key: rateKey(client, apiBase) },
      tokenDataPoints: value.tokenDataPoints,
    }
  },
)

/**
 * One configuration's key for the rate limit: the token client (token URL or issuer, client,
 * credential digest, …) and the API base URL, hashed — it may be sent to the runtime's limiter.
 */
const rateKey = (client: TokenClient, apiBase: ApiBase): string =>
  createHash('sha256').update(`${client.cacheKey}\n${apiBase.href}`).digest('hex')

/** The client authentication method with exactly what it needs; the private key parsed. */
const clientAuth = (value: {
  clientId: string
  clientAuthMethod: (typeof CLIENT_AUTH_METHODS)[number]
  clientSecret: string | undefined
  privateKey: string | undefined
  privateKeyId: string | undefined
  jwksUrl: URL | undefined
  signingAlgorithm: (typeof SIGNING_ALGORITHMS)[number]
}): { auth: ClientAuth; credential: string } => {
  const { clientId, clientAuthMethod: method } = value
  if (method === 'private_key_jwt') {
    if (value.privateKey === undefined) {
      throw new InputProblem('is required for private_key_jwt', 'privateKey')
    }
    const read = readPrivateKey(value.privateKey, value.signingAlgorithm)
    if ('problem' in read) throw new InputProblem(read.problem, 'privateKey')
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
    throw new InputProblem(`is required for ${method}`, 'clientSecret')
  }
  if (method === 'client_secret_basic_unencoded' && clientId.includes(':')) {
    // RFC 7617 §2: the user-id of Basic credentials cannot contain a colon.
    throw new InputProblem('cannot contain ":" with client_secret_basic_unencoded', 'clientId')
  }
  return {
    auth: { method, clientId, clientSecret: value.clientSecret },
    credential: value.clientSecret,
  }
}

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
