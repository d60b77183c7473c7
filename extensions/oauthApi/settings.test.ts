import { generateKeyPairSync } from 'node:crypto'
import { describeFailure } from './lib/run/describeFailure'
import { InputFailure, StepFailure } from './lib/step/StepFailure'
import { parseSettings, settings } from './settings'

const valid = {
  tokenUrl: 'https://auth.example.com/token',
  clientId: 'id',
  clientSecret: 'secret',
  apiBaseUrl: 'https://api.example.com/fhir',
}

const withConnections = (
  entries: Record<string, unknown>,
  flat: Record<string, unknown> = valid,
): Record<string, unknown> => ({ ...flat, connections: JSON.stringify(entries) })

/** The error message the care flow would see for a failed parse. */
const messageOf = (parse: () => unknown): string => {
  try {
    parse()
  } catch (error) {
    return describeFailure(error).message
  }
  throw new Error('parsed')
}

describe('named connections: one schema for the flat settings and every entry', () => {
  const pem = generateKeyPairSync('ec', { namedCurve: 'P-384' })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString()

  it.each([
    ['tokenUrl', { tokenUrl: 'http://auth.example.com/token' }],
    ['tokenUrl', { tokenUrl: undefined }],
    ['issuerUrl', { tokenUrl: undefined, issuerUrl: 'https://auth.example.com/?a=1' }],
    ['clientId', { clientId: '' }],
    ['clientId', { clientId: null }],
    ['clientSecret', { clientSecret: '' }],
    ['clientAuthMethod', { clientAuthMethod: 'magic' }],
    ['privateKey', { clientAuthMethod: 'private_key_jwt' }],
    ['privateKey', { clientAuthMethod: 'private_key_jwt', privateKey: 'not a key' }],
    ['privateKey', { clientAuthMethod: 'private_key_jwt', privateKey: pem }],
    ['jwksUrl', { jwksUrl: 'ftp://keys.example.com' }],
    ['signingAlgorithm', { signingAlgorithm: 'HS256' }],
    ['resource', { resource: 'not a uri' }],
    ['extraTokenParams', { extraTokenParams: '[1]' }],
    ['extraTokenParams', { extraTokenParams: '{"client_secret":"x"}' }],
    ['extraTokenParams', { extraTokenParams: '{"tenant":{"a":1}}' }],
    ['apiBaseUrl', { apiBaseUrl: undefined }],
    ['apiBaseUrl', { apiBaseUrl: 'https://api.example.com/?q=1' }],
    ['timeoutSeconds', { timeoutSeconds: 'soon' }],
    ['timeoutSeconds', { timeoutSeconds: '301' }],
    ['maxResponseSizeMB', { maxResponseSizeMB: '0' }],
    ['maxRequestsPerMinute', { maxRequestsPerMinute: '1.5' }],
    ['tokenDataPoints', { tokenDataPoints: 'both' }],
    ['tokenPath', { tokenPath: 'data..token' }],
    ['expiresInPath', { expiresInPath: '__proto__.x' }],
    ['expiresAtPath', { expiresAtPath: 'expires at' }],
    ['tokenLifetimeSeconds', { tokenLifetimeSeconds: '0' }],
    ['tokenLifetimeSeconds', { tokenLifetimeSeconds: '31536001' }],
    ['tokenLifetimeSeconds', { tokenLifetimeSeconds: '1.5' }],
    ['tokenHeader', { tokenHeader: 'Authorization: Bearer' }],
    ['tokenHeader', { tokenHeader: 'X-Token: {token}\r\nX-Other: 1' }],
    ['tokenQueryParameter', { tokenQueryParameter: 'access token' }],
    ['tokenQueryParameter', { tokenQueryParameter: 'token', tokenHeader: 'X-Token: {token}' }],
    ['apiHeaders', { apiHeaders: '[1]' }],
    ['apiHeaders', { apiHeaders: '{"Host":"x"}' }],
    ['apiHeaders', { apiHeaders: '{"Authorization":"x"}' }],
    ['tokenRequestFormat', { tokenRequestFormat: 'xml' }],
    ['grantType', { grantType: 'password' }],
    ['assertionIssuer', { assertionIssuer: { iss: 'x' } }],
    ['assertionSubject', { assertionSubject: ['u'] }],
    ['assertionAudience', { assertionAudience: null }],
    ['assertionLifetimeSeconds', { assertionLifetimeSeconds: '3601' }],
    ['assertionLifetimeSeconds', { assertionLifetimeSeconds: '0' }],
    ['scopeInAssertion', { scopeInAssertion: 'yes' }],
    ['serviceAccountKey', { serviceAccountKey: '{"type":"authorized_user"}' }],
    ['serviceAccountKey', { serviceAccountKey: 'not json' }],
    ['certificate', { certificate: 'not a certificate' }],
    [
      'certificate',
      {
        clientAuthMethod: 'private_key_jwt',
        privateKey: pem,
        signingAlgorithm: 'ES384',
        certificate: 'x',
      },
    ],
    ['clientCertificate', { clientCertificateKey: pem }],
    ['clientCertificate', { clientCertificate: 'x', clientCertificateKey: pem }],
    ['clientCertificateKey', { clientCertificate: 'x' }],
    ['clientCertificate', { clientAuthMethod: 'tls_client_auth' }],
    ['caCertificates', { caCertificates: 'not a certificate' }],
  ])('%s: the same rule text, named by its key or connections.<name>.<key>', (key, change) => {
    const flat = messageOf(() => parseSettings({ ...valid, ...change }))
    expect(flat).toMatch(new RegExp(`^Setting "${key}": `))
    const named = messageOf(() =>
      parseSettings(withConnections({ east: { ...valid, ...change } }), 'east'),
    )
    expect(named).toBe(flat.replace(`Setting "${key}"`, `Setting "connections.east.${key}"`))
  })

  it.each(Object.keys(settings).filter((key) => key !== 'connections'))(
    'reads %s in each entry with its own rule (a setting added later is valid there too)',
    (key) => {
      const raw = withConnections({ east: { ...valid, [key]: { not: 'text' } } })
      expect(messageOf(() => parseSettings(raw, 'east'))).toMatch(
        new RegExp(`^Setting "connections\\.east\\.${key}": must (be text|be one of)`),
      )
    },
  )

  it('reads an entry\'s "__proto__" key as a key, not as a prototype to inherit from', () => {
    const connections = `{"east": {"__proto__": {"clientSecret": "x"}, "tokenUrl": "${valid.tokenUrl}", "clientId": "id", "apiBaseUrl": "${valid.apiBaseUrl}"}}`
    expect(messageOf(() => parseSettings({ ...valid, connections }, 'east'))).toBe(
      'Setting "connections.east.clientSecret": is required for client_secret_basic',
    )
  })

  it('refuses a number where the flat settings have text (Studio sends strings)', () => {
    expect(messageOf(() => parseSettings({ ...valid, timeoutSeconds: 5 }))).toBe(
      'Setting "timeoutSeconds": must be text, not a number',
    )
  })

  it('reads numbers and booleans in an entry as their text, with the same defaults', () => {
    const parsed = parseSettings(
      withConnections({ east: { ...valid, clientId: 42, timeoutSeconds: 5, scope: true } }),
      'east',
    )
    expect(parsed.client.auth).toMatchObject({ clientId: '42' })
    expect(parsed.client.scope).toBe('true')
    expect(parsed.timeoutSeconds).toBe(5)
    expect(parsed.maxResponseBytes).toBe(10 * 1024 * 1024)
    expect(parsed.tokenDataPoints).toBe('token')
  })

  it('inherits nothing from the flat settings', () => {
    const { clientSecret: _omitted, ...withoutSecret } = valid
    expect(
      messageOf(() =>
        parseSettings(withConnections({ east: withoutSecret }, { ...valid, scope: 'x' }), 'east'),
      ),
    ).toBe('Setting "connections.east.clientSecret": is required for client_secret_basic')
  })

  it('validates only the connection a step uses', () => {
    const raw = withConnections({ east: valid, broken: { clientId: 'x' } })
    expect(parseSettings(raw, 'east').connection).toBe('east')
    expect(parseSettings(raw).connection).toBe('default')
    expect(messageOf(() => parseSettings(raw, 'broken'))).toMatch(/^Setting "connections\.broken\./)
    // Flat settings at fault do not stop a named connection.
    expect(parseSettings({ ...raw, apiBaseUrl: 'nope' }, 'east').connection).toBe('east')
  })

  it.each([
    ['not JSON', '{"east": '],
    ['not an object', '["east"]'],
    ['an entry that is not an object', '{"east": "secret-text"}'],
    ['a bad entry name', '{"east coast": {}}'],
    ['an entry named default', '{"default": {}}'],
    ['not text', { east: {} }],
  ])(
    'refuses connections that are %s, naming the setting and quoting nothing',
    (_, connections) => {
      let thrown: unknown
      try {
        parseSettings({ ...valid, connections }, 'east')
      } catch (error) {
        thrown = error
      }
      expect(thrown).toBeInstanceOf(InputFailure)
      const { category, message } = describeFailure(thrown)
      expect(category).toBe('MISSING_SETTINGS')
      expect(message).toMatch(/^Setting "connections": /)
      expect(message).not.toContain('secret-text')
      expect(message).not.toContain('east coast')
    },
  )

  it('refuses an unknown name as the connection field, listing the known names', () => {
    const failure = describeFailure(
      (() => {
        try {
          return parseSettings(withConnections({ east: valid, west: valid }), 'north')
        } catch (error) {
          return error
        }
      })(),
    )
    expect(failure).toMatchObject({
      category: 'WRONG_INPUT',
      message:
        'Field "connection": there is no connection "north" (known: "default", "east", "west")',
    })
  })

  it.each([[''], ['  '], [null], [undefined], ['default']])(
    'takes %p as the flat settings',
    (connection) => {
      expect(parseSettings(withConnections({ east: valid }), connection).connection).toBe('default')
    },
  )

  it.each([['a'.repeat(41)], ['east coast'], ['ost/west'], [42]])('refuses the name %p', (name) => {
    expect(messageOf(() => parseSettings(valid, name))).toMatch(/^Field "connection": /)
  })

  it('parses a connection once per distinct settings value', () => {
    const raw = withConnections({ east: valid })
    expect(parseSettings(raw, 'east')).toBe(parseSettings({ ...raw }, 'east'))
  })

  it('keeps identical settings under two names apart: tokens, references and rate limits', () => {
    const entry = { ...valid, maxRequestsPerMinute: '10' }
    const raw = withConnections({ east: entry, west: entry }, entry)
    const [flat, east, west] = [
      parseSettings(raw),
      parseSettings(raw, 'east'),
      parseSettings(raw, 'west'),
    ]
    const keys = [flat, east, west].map((each) => each.client.cacheKey)
    expect(new Set(keys).size).toBe(3)
    const rates = [flat, east, west].map((each) => each.requestRate?.key)
    expect(new Set(rates).size).toBe(3)
  })

  it('keeps the same client under two API base URLs apart', () => {
    const raw = withConnections({
      east: valid,
      other: { ...valid, apiBaseUrl: 'https://other.example.com' },
    })
    expect(parseSettings(raw, 'east').client.connection).not.toBe(
      parseSettings(raw, 'other').client.connection,
    )
  })

  it("names a setting found at fault while a named connection's step ran inside it", () => {
    const failure = new StepFailure({
      kind: 'discovery',
      tried: [{ document: 'openid-configuration', problem: 'status', status: 404 }],
    })
    expect(describeFailure(failure, 'east').message).toBe(
      'Setting "connections.east.issuerUrl": no usable token endpoint was discovered (openid-configuration: HTTP 404)',
    )
    expect(describeFailure(failure, 'default').message).toBe(
      'Setting "issuerUrl": no usable token endpoint was discovered (openid-configuration: HTTP 404)',
    )
  })
})
