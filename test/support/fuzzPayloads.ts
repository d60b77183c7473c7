/**
 * The fuzz model: a valid payload (settings and fields) plus one or more corruptions, each of
 * which alone makes the payload invalid. Every corruption knows at which stage the action must
 * notice it and which setting or field the error has to name, so the oracle is exact even when
 * corruptions overwrite one another.
 */
import { generateKeyPairSync } from 'node:crypto'
import fc from 'fast-check'
import { settings as settingDefinitions } from '../../extensions/oauthApi/settings'
import { RESERVED_TOKEN_PARAMS } from '../../extensions/oauthApi/lib/oauth/requestToken'
import {
  leakedSecrets,
  type ActionRun,
} from '../../extensions/oauthApi/__mocks__/oauthApiTestKit/actionRun'
import {
  isPolluted,
  maybeHugeString,
  weirdString,
  withProtoKeys,
  wrongType,
} from './fuzzArbitraries'
import { rsaPrivateKey } from '../../servers/rsaKeys'

export type Target = 'settings' | 'fields'

/**
 * Where the action notices a fault, in the order it looks: the settings (all their rules, the
 * private key read), the fields (the handed-in token among them), then building the request
 * (path, headers, body).
 */
export type Stage = 'settings' | 'fields' | 'request'
const STAGE_ORDER: Stage[] = ['settings', 'fields', 'request']

/** Written as a value: the key is removed. */
export const OMIT = Symbol('omit')
/** Written as a key: the whole settings or fields object is replaced. */
export const ROOT = '*'

export interface Write {
  target: Target
  key: string
  value: unknown
}

export interface Corruption {
  label: string
  stage: Stage
  writes: Write[]
  /** The settings or fields the error message may name ('(all)' for the whole object). */
  names: string[]
}

export interface Payload {
  settings: unknown
  fields: unknown
}

export interface Expectation {
  category: 'MISSING_SETTINGS' | 'WRONG_INPUT'
  kind: 'Setting' | 'Field'
  names: string[]
  /** The corruptions still in force, for the counterexample report. */
  labels: string[]
}

/** A corruption of one key with values from `values`. */
export const corrupt = (
  target: Target,
  key: string,
  values: fc.Arbitrary<unknown>,
  stage: Stage,
  label: string,
  extraWrites: Write[] = [],
): fc.Arbitrary<Corruption> =>
  values.map((value) => ({
    label: `${target}.${key}: ${label}`,
    stage,
    writes: [{ target, key, value }, ...extraWrites],
    names: [key],
  }))

/** Applies the corruptions in order and works out what the run must report. */
export const applyCorruptions = (
  base: { settings: Record<string, unknown>; fields: Record<string, unknown> },
  corruptions: Corruption[],
): { payload: Payload; expected: Expectation } => {
  const objects: Record<Target, Record<string, unknown>> = {
    settings: { ...base.settings },
    fields: { ...base.fields },
  }
  const roots = new Map<Target, unknown>()
  const lastWriter = new Map<string, Corruption>()
  for (const corruption of corruptions) {
    for (const { target, key, value } of corruption.writes) {
      if (key === ROOT) roots.set(target, value)
      else if (value === OMIT) delete objects[target][key]
      else objects[target][key] = value
      lastWriter.set(`${target}.${key}`, corruption)
    }
  }
  const inForce = corruptions.filter((corruption) =>
    corruption.writes.every(
      ({ target, key }) =>
        lastWriter.get(`${target}.${key}`) === corruption && (key === ROOT || !roots.has(target)),
    ),
  )
  const stage = STAGE_ORDER.find((candidate) => inForce.some((c) => c.stage === candidate))
  if (stage === undefined) throw new Error('no corruption in force: the generator is wrong')
  const atStage = inForce.filter((corruption) => corruption.stage === stage)
  const aboutSettings = stage === 'settings'
  return {
    payload: {
      settings: roots.has('settings') ? roots.get('settings') : objects.settings,
      fields: roots.has('fields') ? roots.get('fields') : objects.fields,
    },
    expected: {
      category: aboutSettings ? 'MISSING_SETTINGS' : 'WRONG_INPUT',
      kind: aboutSettings ? 'Setting' : 'Field',
      names: [...new Set(atStage.flatMap((corruption) => corruption.names))],
      labels: inForce.map((corruption) => corruption.label),
    },
  }
}

/** Why a run of an invalid payload is not as expected, or undefined when it is. */
export const invalidRunProblem = (run: ActionRun, expected: Expectation): string | undefined => {
  if (run.outcome !== 'error' || run.calls !== 1) return `outcome ${run.outcome} (${run.calls})`
  if (run.category !== expected.category) return `category ${run.category}: ${run.message}`
  if (!run.message.startsWith(`${expected.kind} "`)) return `message ${run.message}`
  const named = expected.names.some((name) => run.message.includes(`${expected.kind} "${name}"`))
  if (!named) return `names none of ${expected.names.join(', ')}: ${run.message.slice(0, 300)}`
  return undefined
}

/** Why a run leaked a secret or polluted a prototype, or undefined (plain checks: fast). */
export const hygieneProblem = (
  run: ActionRun,
  secrets: string[],
  pristine: string,
): string | undefined => {
  const leaked = leakedSecrets(run, secrets)
  if (leaked.length > 0) return `leaked ${leaked.map((secret) => secret.slice(0, 12)).join(', ')}`
  if (isPolluted(pristine)) return 'a built-in prototype was polluted'
  return undefined
}

/** Throws with the problem and the corruptions in force, for fast-check to report. */
export const failIf = (problem: string | undefined, context: string): void => {
  if (problem !== undefined) throw new Error(`${problem} [${context}]`)
}

// ---------------------------------------------------------------------------------------------
// Keys for private_key_jwt, made once.

const pem = (key: { export: (options: { type: 'pkcs8'; format: 'pem' }) => string | Buffer }) =>
  key.export({ type: 'pkcs8', format: 'pem' }).toString()

const KEYS = {
  rsa: pem(rsaPrivateKey()),
  p256: pem(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey),
  p384: pem(generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey),
  rsaPublic: generateKeyPairSync('rsa', { modulusLength: 1024 })
    .publicKey.export({ type: 'spki', format: 'pem' })
    .toString(),
}

/** The planted secrets of a settings object: what must never be emitted. */
export const secretsOf = (settings: unknown): string[] => {
  if (settings === null || typeof settings !== 'object') return []
  const { clientSecret, privateKey } = settings as Record<string, unknown>
  return [clientSecret, privateKey].filter(
    (value): value is string => typeof value === 'string' && value.trim().length >= 4,
  )
}

// ---------------------------------------------------------------------------------------------
// Valid settings.

export type AuthMode = 'secret' | 'jwt'

const SECRET_METHODS = [
  undefined,
  '',
  'client_secret_basic',
  'client_secret_post',
  'client_secret_basic_unencoded',
  '  client_secret_post  ',
]

const JWT_KEYS: Array<{ algorithm: string | undefined; key: string }> = [
  { algorithm: undefined, key: KEYS.rsa },
  { algorithm: 'RS256', key: KEYS.rsa },
  { algorithm: 'PS384', key: KEYS.rsa },
  { algorithm: 'ES256', key: KEYS.p256 },
  { algorithm: 'ES384', key: KEYS.p384 },
]

const optional = <T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.option(arbitrary, { nil: undefined, freq: 2 })

/** A valid value for extraTokenParams: a JSON object of scalar values, maybe with proto keys. */
const extraTokenParams = fc
  .tuple(
    fc.dictionary(
      fc.string({ minLength: 1, maxLength: 8 }).map((name) => `x_${name}`),
      fc.oneof(weirdString(12), fc.integer(), fc.boolean()),
      { maxKeys: 3 },
    ),
    fc.boolean(),
  )
  .map(([params, proto]) => {
    const members = Object.entries(params).map(
      ([name, value]) => `${JSON.stringify(name)}:${JSON.stringify(value)}`,
    )
    // An own "__proto__" member, as only JSON text can make it: a string, so no parameter.
    if (proto) members.unshift('"__proto__":"not-a-prototype"', '"constructor":"c"')
    return `{${members.join(',')}}`
  })

/** Settings that pass validation, pointing the token endpoint and the API at `origin`. */
export const validSettings = (mode: AuthMode, origin: string): fc.Arbitrary<Settings> => {
  const common = fc.record({
    tokenUrl: fc.constant(`${origin}/oauth/token`),
    clientId: fc
      .string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 12 })
      .map((id) => `client-${id.replace(/:/g, '')}`),
    scope: optional(maybeHugeString()),
    audience: optional(weirdString()),
    resource: optional(fc.constantFrom('https://api.example.com/fhir', 'urn:example:resource', '')),
    extraTokenParams: optional(fc.oneof(extraTokenParams, fc.constant(''))),
    apiBaseUrl: fc.constantFrom(`${origin}/api/v1`, `${origin}/api/v1/`, ` ${origin}/api/v1 `),
    timeoutSeconds: optional(fc.constantFrom('', '5', '10', '30', '2.5')),
    maxResponseSizeMB: optional(fc.constantFrom('', '1', '10', '0.5')),
  })
  const credentials =
    mode === 'secret'
      ? fc.record({
          clientSecret: fc.string({ minLength: 4, maxLength: 16 }).map((s) => `s3cr3t-${s}`),
          clientAuthMethod: fc.constantFrom(...SECRET_METHODS),
        })
      : fc.record({
          clientAuthMethod: fc.constant('private_key_jwt'),
          key: fc.constantFrom(...JWT_KEYS),
          singleLine: fc.boolean(),
          privateKeyId: optional(weirdString()),
        })
  return fc.tuple(common, credentials, fc.boolean()).map(([base, creds, proto]) => {
    const settings: Record<string, unknown> = { ...base }
    if ('key' in creds) {
      const { key, singleLine, ...rest } = creds
      Object.assign(settings, rest, {
        privateKey: singleLine ? key.key.trim().replace(/\n/g, '\\n') : key.key,
        signingAlgorithm: key.algorithm,
      })
    } else {
      Object.assign(settings, creds)
    }
    return withProtoKeys(dropUndefined(settings), proto)
  })
}

export type Settings = Record<string, unknown>

const dropUndefined = (object: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined))

// ---------------------------------------------------------------------------------------------
// Settings corruptions.

const SETTING_KEYS = Object.keys(settingDefinitions)
const missing = fc.constantFrom<unknown>(OMIT, '', '   ')

/** URLs that no endpoint setting accepts (not absolute, not https, http off loopback…). */
const invalidUrl: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    'not a url',
    'ftp://127.0.0.1/token',
    'http://example.com/token',
    'http://10.0.0.1/token',
    'http://[::2]/x',
    'https://',
    'javascript:alert(1)',
    '//evil.example/token',
    'http://localhost.evil.example/x',
    'http://api.localhost/x',
    'http://a.b.localhost:8080/x',
    'http://u:p@127.0.0.1/x',
    'https://user@example.com/x',
    'http://127.0.0.1/x#fragment',
    'https://example.com/x#',
    'file:///etc/passwd',
    'ws://127.0.0.1/x',
    '\\\\evil\\share',
  ),
  weirdString().map((text) => `no-scheme ${text}`),
  fc.integer({ min: 1_000, max: 100_000 }).map((n) => `http://example.com/${'a'.repeat(n)}`),
)

/** URLs with a query string: a token URL may have one, an API base or an issuer may not. */
const urlWithQuery: fc.Arbitrary<string> = fc.constantFrom(
  'https://example.com/api?tenant=a',
  'http://127.0.0.1/api?',
  'https://example.com/?a=1#b',
)

const notIn = (allowed: readonly string[]) => (value: string) =>
  !allowed.includes(value.trim()) && value.trim() !== ''

const settingsRoot: fc.Arbitrary<Corruption> = fc.oneof(
  fc
    .oneof(fc.integer(), fc.string(), fc.boolean(), fc.array(fc.string(), { maxLength: 2 }))
    .map((value) => ({
      label: `settings: ${JSON.stringify(value)?.slice(0, 40)}`,
      stage: 'settings' as const,
      writes: [{ target: 'settings' as const, key: ROOT, value }],
      names: ['(all)'],
    })),
  fc.constantFrom(null, undefined).map((value) => ({
    label: `settings: ${String(value)}`,
    stage: 'settings' as const,
    writes: [{ target: 'settings' as const, key: ROOT, value }],
    names: ['clientId', 'apiBaseUrl', 'tokenUrl', 'clientSecret'],
  })),
)

/** Corruptions of the settings that each alone make any payload invalid (given the mode). */
export const settingsCorruption = (mode: AuthMode): fc.Arbitrary<Corruption> => {
  const setting = (
    key: string,
    values: fc.Arbitrary<unknown>,
    label: string,
    stage: Stage = 'settings',
  ) => corrupt('settings', key, values, stage, label)
  const common: Array<fc.Arbitrary<Corruption>> = [
    fc
      .constantFrom(...SETTING_KEYS)
      .chain((key) => corrupt('settings', key, wrongType, 'settings', 'wrong type')),
    setting('tokenUrl', fc.oneof(invalidUrl, missing), 'invalid or missing'),
    setting('issuerUrl', invalidUrl, 'invalid'),
    setting('apiBaseUrl', fc.oneof(invalidUrl, missing, urlWithQuery), 'invalid or missing'),
    setting('issuerUrl', urlWithQuery, 'with a query string'),
    setting('clientId', missing, 'missing'),
    setting(
      'clientAuthMethod',
      fc.oneof(
        fc.constantFrom('basic', 'CLIENT_SECRET_BASIC', 'client_secret_jwt', 'none', 'tls'),
        weirdString().filter(
          notIn([
            'client_secret_basic',
            'client_secret_post',
            'client_secret_basic_unencoded',
            'private_key_jwt',
            'tls_client_auth',
            'self_signed_tls_client_auth',
          ]),
        ),
      ),
      'unknown method',
    ),
    setting(
      'signingAlgorithm',
      fc.oneof(
        fc.constantFrom('HS256', 'none', 'rs384', 'EdDSA'),
        weirdString().filter(notIn(['RS384', 'ES384', 'RS256', 'ES256', 'PS384', 'PS256'])),
      ),
      'unknown algorithm',
    ),
    setting(
      'resource',
      fc.constantFrom('not a uri', 'https://x.example/#frag', 'urn:x#y', '#', 'relative/path'),
      'not an absolute URI without fragment',
    ),
    setting(
      'extraTokenParams',
      fc.oneof(
        fc.constantFrom(
          '{',
          "{'a':1}",
          '[]',
          '1',
          '"s"',
          'null',
          'true',
          '{"a":{}}',
          '{"a":null}',
          '{"a":[1]}',
          '{"__proto__":{"polluted":"yes"}}',
          '{"constructor":{"prototype":{"polluted":"yes"}}}',
        ),
        fc.constantFrom(...RESERVED_TOKEN_PARAMS).map((name) => JSON.stringify({ [name]: 'x' })),
        weirdString().map((text) => `x${text}`),
      ),
      'not a JSON object of scalars, or a reserved name',
    ),
    setting(
      'timeoutSeconds',
      fc.constantFrom(
        '0',
        '0.5',
        '301',
        '-1',
        'abc',
        '1e2',
        'Infinity',
        'NaN',
        '1 2',
        '30s',
        '0x10',
      ),
      'out of range or not a number',
    ),
    setting(
      'maxResponseSizeMB',
      fc.constantFrom('0', '0.0001', '101', 'x', '-5', '1,5'),
      'out of range or not a number',
    ),
    settingsRoot,
  ]
  const byMode: Array<fc.Arbitrary<Corruption>> =
    mode === 'secret'
      ? [
          setting('clientSecret', fc.constantFrom<unknown>(OMIT, ''), 'missing'),
          // A rule across settings, found when they are parsed: ":" cannot be sent unencoded.
          weirdString().map((rest) => ({
            label: 'settings.clientId: ":" with client_secret_basic_unencoded',
            stage: 'settings' as const,
            writes: [
              { target: 'settings' as const, key: 'clientId', value: `id:${rest}` },
              {
                target: 'settings' as const,
                key: 'clientAuthMethod',
                value: 'client_secret_basic_unencoded',
              },
            ],
            names: ['clientId'],
          })),
        ]
      : [
          setting('privateKey', missing, 'missing'),
          // Read (and checked against the algorithm) when the settings are parsed.
          fc
            .oneof(
              fc.constantFrom<[string, string | undefined]>(
                ['not a key', undefined],
                ['-----BEGIN PRIVATE KEY-----\\nAAAA\\n-----END PRIVATE KEY-----', undefined],
                ['{"kty":"RSA","n":"AQAB","e":"AQAB"}', undefined],
                ['{"kty":"oct","k":"c2VjcmV0"}', undefined],
                ['{', undefined],
                [KEYS.rsaPublic, undefined],
                [KEYS.p256, 'RS384'],
                [KEYS.rsa, 'ES256'],
                [KEYS.p256, 'ES384'],
                [KEYS.p384, 'ES256'],
              ),
              maybeHugeString().map((text): [string, string | undefined] => [
                `garbage-${text}`,
                undefined,
              ]),
            )
            .map(([key, algorithm]) => ({
              label: `settings.privateKey: unusable for ${algorithm ?? 'the algorithm'}`,
              stage: 'settings' as const,
              writes: [
                { target: 'settings' as const, key: 'privateKey', value: key },
                ...(algorithm !== undefined
                  ? [{ target: 'settings' as const, key: 'signingAlgorithm', value: algorithm }]
                  : []),
              ],
              names: ['privateKey'],
            })),
        ]
  return fc.oneof(...common, ...byMode)
}
