import { generateKeyPairSync } from 'node:crypto'
import { makeJwsKeys } from '../../__mocks__/oauthApiTestKit/jwsKeys'
import { verifiedJws } from '../../__mocks__/oauthApiTestKit/verifyJws'
import { decodeJwtPayload, keyProblem, signJwt, type JwsAlgorithm } from './jws'

const KEYS = makeJwsKeys()
const ALGORITHMS = Object.keys(KEYS) as JwsAlgorithm[]

const segment = (value: unknown): string =>
  Buffer.from(JSON.stringify(value), 'utf8').toString('base64url')

describe('signJwt (RFC 7515 compact serialization)', () => {
  it.each(ALGORITHMS)(
    '%s: a signature that verifies, with alg first in the header',
    (algorithm) => {
      const { privateKey, publicKey } = KEYS[algorithm]
      const claims = { iss: 'client-ü', aud: 'https://as.example.com/token', exp: 2e9 }
      const token = signJwt({
        header: { typ: 'JWT', kid: 'k1' },
        claims,
        key: privateKey,
        algorithm,
      })
      expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/)
      const { header, payload } = verifiedJws(token, publicKey, algorithm)
      expect(Object.keys(header)).toEqual(['alg', 'typ', 'kid'])
      expect(header).toEqual({ alg: algorithm, typ: 'JWT', kid: 'k1' })
      expect(payload).toEqual(claims)
    },
  )

  it('keeps alg the algorithm signed with, whatever the header says', () => {
    const token = signJwt({
      header: { alg: 'none' },
      claims: {},
      key: KEYS.ES256.privateKey,
      algorithm: 'ES256',
    })
    expect(verifiedJws(token, KEYS.ES256.publicKey, 'ES256').header).toEqual({ alg: 'ES256' })
  })

  it('PS384 signs with a fresh salt each time (RFC 7518 §3.5), ES384 with a fresh nonce', () => {
    for (const algorithm of ['PS384', 'ES384'] as const) {
      const input = { header: {}, claims: { a: 1 }, key: KEYS[algorithm].privateKey, algorithm }
      expect(signJwt(input)).not.toBe(signJwt(input))
    }
    const input = {
      header: {},
      claims: { a: 1 },
      key: KEYS.RS256.privateKey,
      algorithm: 'RS256' as const,
    }
    expect(signJwt(input)).toBe(signJwt(input))
  })

  it('refuses a key that does not fit the algorithm, without quoting it', () => {
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey
    const pss = generateKeyPairSync('rsa-pss', { modulusLength: 2048 }).privateKey
    expect(keyProblem(KEYS.ES384.privateKey, 'ES256')).toBe(
      'is not an EC P-256 key (needed for ES256)',
    )
    expect(keyProblem(KEYS.ES256.privateKey, 'RS384')).toBe('is not an RSA key (needed for RS384)')
    expect(keyProblem(KEYS.RS384.publicKey, 'RS384')).toBe('is not a private key')
    expect(keyProblem(small, 'RS256')).toBe('is an RSA key shorter than 2048 bits (RFC 7518 §3.3)')
    expect(keyProblem(pss, 'RS384')).toBe('is not an RSA key (needed for RS384)')
    expect(keyProblem(pss, 'PS384')).toBeUndefined()
    expect(() => signJwt({ header: {}, claims: {}, key: small, algorithm: 'RS256' })).toThrow(
      TypeError,
    )
  })
})

describe('decodeJwtPayload (RFC 7519 §7.2, without verification)', () => {
  it('reads the claims of a three-segment token whose payload is a JSON object', () => {
    expect(
      decodeJwtPayload(`${segment({ alg: 'RS256' })}.${segment({ exp: 1, sub: 'é' })}.sig`),
    ).toEqual({
      exp: 1,
      sub: 'é',
    })
    expect(decodeJwtPayload(`x.${segment({})}.`)).toEqual({})
  })

  it.each([
    ['an opaque token', 'abc123'],
    ['two segments', `a.${segment({ exp: 1 })}`],
    ['an encrypted JWT (five segments)', `a.${segment({ exp: 1 })}.c.d.e`],
    ['an empty payload', 'a..c'],
    ['a payload that is not base64url', `a.${segment({ exp: 1 })}+/.c`],
    ['a payload that is not JSON', `a.${Buffer.from('not json').toString('base64url')}.c`],
    ['an array', `a.${segment([1])}.c`],
    ['null', `a.${segment(null)}.c`],
    ['a string', `a.${segment('x')}.c`],
  ])('gives nothing for %s', (_, token) => {
    expect(decodeJwtPayload(token)).toBeUndefined()
  })
})
