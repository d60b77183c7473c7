import type { HttpResponse } from '../http/sendRequest'
import { describeFailure } from '../run/describeFailure'
import { StepFailure } from '../step/StepFailure'
import {
  dottedPath,
  readExpiresAt,
  RFC6749_DIALECT,
  valueAtPath,
  type TokenDialect,
} from './dialect'
import { assertSendable, parseTokenSuccess } from './tokenResponse'

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0)

const answer = (body: unknown): HttpResponse => ({
  status: 200,
  url: new URL('https://auth.example.com/token'),
  headers: {},
  body: JSON.stringify(body),
  bytes: Buffer.from(JSON.stringify(body)),
})

const dialect = (parts: Partial<TokenDialect>): TokenDialect => ({ ...RFC6749_DIALECT, ...parts })

const failureOf = (work: () => unknown): StepFailure => {
  try {
    work()
  } catch (error) {
    if (error instanceof StepFailure) return error
    throw error
  }
  throw new Error('expected a StepFailure')
}

describe('token dialect: where the token and its lifetime are', () => {
  it('reads dotted paths of member names and array indexes, own members only', () => {
    const body = { data: { token: 'abc', list: [{ v: 1 }] } }
    expect(valueAtPath(body, ['data', 'token'])).toBe('abc')
    expect(valueAtPath(body, ['data', 'list', '0', 'v'])).toBe(1)
    expect(valueAtPath(body, ['data', 'missing', 'x'])).toBeUndefined()
    expect(valueAtPath(body, ['data', 'toString'])).toBeUndefined()
    expect(valueAtPath(body, ['data', 'list', 'length'])).toBeUndefined()
  })

  it('refuses paths that are not dotted member names', () => {
    const parse = dottedPath(['access_token'])
    expect(parse(undefined)).toEqual(['access_token'])
    expect(parse('  ')).toEqual(['access_token'])
    expect(parse('tokenData.access_token')).toEqual(['tokenData', 'access_token'])
    for (const bad of [
      '$.data[0]',
      'a..b',
      '.a',
      'a b',
      '__proto__.x',
      'a.constructor',
      'x'.repeat(201),
    ]) {
      expect(() => parse(bad)).toThrow(/dotted path/)
    }
  })

  it('reads an absolute expiry as ISO 8601 with a zone, epoch seconds or epoch ms', () => {
    expect(readExpiresAt('2026-01-01T13:00:00Z')).toBe(NOW + 3_600_000)
    expect(readExpiresAt('2026-01-01T14:00:00+01:00')).toBe(NOW + 3_600_000)
    expect(readExpiresAt((NOW + 3_600_000) / 1000)).toBe(NOW + 3_600_000)
    expect(readExpiresAt(String((NOW + 3_600_000) / 1000))).toBe(NOW + 3_600_000)
    expect(readExpiresAt(NOW + 3_600_000)).toBe(NOW + 3_600_000)
    // No zone, not a date, nothing: unknown.
    expect(readExpiresAt('2026-01-01T13:00:00')).toBeUndefined()
    expect(readExpiresAt('tomorrow')).toBeUndefined()
    expect(readExpiresAt(null)).toBeUndefined()
  })
})

describe('parseTokenSuccess in a dialect', () => {
  it('accepts expires_in as a numeric string with the default dialect (BCDA)', () => {
    const token = parseTokenSuccess(
      answer({ access_token: 'tok', token_type: 'bearer', expires_in: '1200' }),
      undefined,
      NOW,
    )
    expect(token).toMatchObject({ expiresAtMs: NOW + 1_200_000, lifetimeSource: 'expiresIn' })
  })

  it('reads a nested token and lifetime', () => {
    const token = parseTokenSuccess(
      answer({ status: 'ok', data: { token: 'nested', ttl: 900 } }),
      undefined,
      NOW,
      dialect({ tokenPath: ['data', 'token'], expiresInPath: ['data', 'ttl'] }),
    )
    expect(token).toMatchObject({ accessToken: 'nested', expiresAtMs: NOW + 900_000 })
  })

  it('uses the absolute expiry only when there is no lifetime', () => {
    const withExpiry = dialect({ tokenPath: ['idToken'], expiresAtPath: ['expiresAt'] })
    const absolute = parseTokenSuccess(
      answer({ idToken: 'id', expiresAt: '2026-01-01T12:30:00.000Z' }),
      undefined,
      NOW,
      withExpiry,
    )
    expect(absolute).toMatchObject({ expiresAtMs: NOW + 1_800_000, lifetimeSource: 'expiresAt' })
    const both = parseTokenSuccess(
      answer({ idToken: 'id', expires_in: 60, expiresAt: '2026-01-01T12:30:00Z' }),
      undefined,
      NOW,
      withExpiry,
    )
    expect(both).toMatchObject({ expiresAtMs: NOW + 60_000, lifetimeSource: 'expiresIn' })
  })

  it('assumes tokenLifetimeSeconds for a Salesforce-shaped answer, else leaves it unknown', () => {
    const salesforce = {
      access_token: '00Dxx!AQ4AQ.opaque',
      instance_url: 'https://example.my.salesforce.com',
      issued_at: String(NOW),
      signature: 'c2ln',
      token_type: 'Bearer',
    }
    expect(
      parseTokenSuccess(answer(salesforce), undefined, NOW, dialect({ lifetimeSeconds: 7200 })),
    ).toMatchObject({ expiresAtMs: NOW + 7_200_000, lifetimeSource: 'tokenLifetimeSeconds' })
    expect(parseTokenSuccess(answer(salesforce), undefined, NOW)).toMatchObject({
      expiresAtMs: undefined,
      lifetimeSource: 'unknown',
    })
  })

  it('names the path it looked at when there is no token there', () => {
    const failure = failureOf(() =>
      parseTokenSuccess(
        answer({ data: {} }),
        undefined,
        NOW,
        dialect({ tokenPath: ['data', 'token'] }),
      ),
    )
    expect(failure.code).toBe('TOKEN_RESPONSE_INVALID')
    expect(failure.facts).toMatchObject({ tokenPath: 'data.token', members: ['data'] })
    expect(describeFailure(failure).message).toContain('no usable "data.token"')
    expect(describeFailure(failure).message).toContain('"data"')
  })

  it('takes any token_type, and any visible-ASCII token, once the token is not sent as Bearer', () => {
    const mac = answer({ access_token: 'a!b"c', token_type: 'Token' })
    expect(failureOf(() => parseTokenSuccess(mac, undefined, NOW)).code).toBe(
      'TOKEN_TYPE_UNSUPPORTED',
    )
    const custom = dialect({ bearerOnly: false })
    const token = parseTokenSuccess(mac, undefined, NOW, custom)
    expect(token.tokenType).toBe('Token')
    expect(assertSendable(token, custom)).toBe(token)
    expect(failureOf(() => assertSendable(token)).code).toBe('TOKEN_RESPONSE_INVALID')
    const spaced = parseTokenSuccess(answer({ access_token: 'a b' }), undefined, NOW, custom)
    expect(failureOf(() => assertSendable(spaced, custom)).code).toBe('TOKEN_RESPONSE_INVALID')
  })
})
