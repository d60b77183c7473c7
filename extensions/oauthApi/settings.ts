import type { Setting } from '@awell-health/extensions-core'
import { z } from 'zod'
import { isLoopbackHost } from './lib/http/transportPolicy'

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
      'For private_key_jwt: a PKCS#8 PEM private key (literal \\n accepted for line breaks) or a private JWK as JSON.',
  },
  privateKeyId: {
    key: 'privateKeyId',
    label: 'Private key ID (kid)',
    obfuscated: false,
    required: false,
    description: 'For private_key_jwt: the kid of the public key registered with the server.',
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
    description: 'A larger response body ends the step in an error. Default 10, at most 100.',
  },
} satisfies Record<string, Setting>

export type SettingKey = keyof typeof settings

export const CLIENT_AUTH_METHODS = [
  'client_secret_basic',
  'client_secret_post',
  'client_secret_basic_unencoded',
  'private_key_jwt',
] as const
export type ClientAuthMethod = (typeof CLIENT_AUTH_METHODS)[number]

export const SIGNING_ALGORITHMS = ['RS384', 'ES384', 'RS256', 'ES256', 'PS384'] as const
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number]

/** Parameters that the extension sets itself; extraTokenParams may not override them. */
const RESERVED_TOKEN_PARAMS = new Set([
  'grant_type',
  'client_id',
  'client_secret',
  'client_assertion',
  'client_assertion_type',
  'scope',
  'audience',
  'resource',
])

/** '' and whitespace count as "not set", as Studio sends an emptied setting as ''. */
const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()))

const requiredText = optionalText.refine((value) => value !== undefined, 'is required')

/** https, or http on loopback for local development (RFC 9700 §2.6: TLS everywhere else). */
const endpointUrl = optionalText.superRefine((value, ctx) => {
  if (value === undefined) return
  const problem = endpointUrlProblem(value)
  if (problem !== undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem })
})

export const endpointUrlProblem = (value: string): string | undefined => {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return 'is not a valid absolute URL'
  }
  if (url.protocol === 'https:') return undefined
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return undefined
  if (url.protocol === 'http:') return 'must use https (http is allowed only on localhost)'
  return 'must be an https URL'
}

const numberInRange = (fallback: number, min: number, max: number) =>
  optionalText
    .refine((value) => value === undefined || /^\d+(\.\d+)?$/.test(value), 'must be a number')
    .transform((value) => (value === undefined ? fallback : Number(value)))
    .refine((value) => value >= min && value <= max, `must be between ${min} and ${max}`)

/** RFC 8707 §2: an absolute URI that MUST NOT include a fragment. */
const resourceIndicator = optionalText.superRefine((value, ctx) => {
  if (value === undefined) return
  let url: URL | undefined
  try {
    url = new URL(value)
  } catch {
    url = undefined
  }
  if (url === undefined || value.includes('#')) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      message: 'must be an absolute URI without a fragment',
    })
  }
})

const extraTokenParams = optionalText.transform((value, ctx): Record<string, string> => {
  if (value === undefined) return {}
  let parsed: unknown
  try {
    parsed = JSON.parse(value)
  } catch {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be a JSON object' })
    return z.NEVER
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be a JSON object' })
    return z.NEVER
  }
  const params: Record<string, string> = {}
  for (const [name, param] of Object.entries(parsed)) {
    if (RESERVED_TOKEN_PARAMS.has(name)) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: `may not set "${name}" (it has its own setting or is set by the extension)`,
      })
      return z.NEVER
    }
    if (!['string', 'number', 'boolean'].includes(typeof param)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `value of "${name}" must be a string` })
      return z.NEVER
    }
    params[name] = String(param)
  }
  return params
})

const enumSetting = <T extends readonly [string, ...string[]]>(values: T, fallback: T[number]) =>
  optionalText
    .refine(
      (value) => value === undefined || (values as readonly string[]).includes(value),
      `must be one of ${values.join(', ')}`,
    )
    .transform((value) => (value ?? fallback) as T[number])

export const SettingsValidationSchema = z
  .object({
    tokenUrl: endpointUrl,
    issuerUrl: endpointUrl,
    clientId: requiredText,
    clientSecret: z
      .string()
      .optional()
      .transform((value) => (value === '' ? undefined : value)),
    clientAuthMethod: enumSetting(CLIENT_AUTH_METHODS, 'client_secret_basic'),
    privateKey: optionalText,
    privateKeyId: optionalText,
    signingAlgorithm: enumSetting(SIGNING_ALGORITHMS, 'RS384'),
    scope: optionalText,
    audience: optionalText,
    resource: resourceIndicator,
    extraTokenParams,
    apiBaseUrl: endpointUrl.refine((value) => value !== undefined, 'is required'),
    timeoutSeconds: numberInRange(30, 1, 300),
    maxResponseSizeMB: numberInRange(10, 0.001, 100),
  } satisfies Record<SettingKey, z.ZodTypeAny>)
  .superRefine((value, ctx) => {
    if (value.tokenUrl === undefined && value.issuerUrl === undefined) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['tokenUrl'],
        message: 'is required (or set "issuerUrl" to discover it)',
      })
    }
    if (value.clientAuthMethod === 'private_key_jwt') {
      if (value.privateKey === undefined) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['privateKey'],
          message: 'is required for private_key_jwt',
        })
      }
    } else if (value.clientSecret === undefined) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['clientSecret'],
        message: `is required for ${value.clientAuthMethod}`,
      })
    }
  })

export type ValidatedSettings = z.output<typeof SettingsValidationSchema>
