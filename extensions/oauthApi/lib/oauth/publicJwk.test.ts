import { createPublicKey, generateKeyPairSync } from 'node:crypto'
import { jwkThumbprint, keyThumbprint, publicJwkOf, publicJwkSet } from './publicJwk'

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi']

/** RFC 7638 §3.1: the example RSA key (RFC 7517 Appendix A.1) and its SHA-256 thumbprint. */
const RFC_7638_KEY = {
  kty: 'RSA',
  n:
    '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebW' +
    'KRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQ' +
    'MicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2Nc' +
    'Rwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
  e: 'AQAB',
  alg: 'RS256',
  kid: '2011-04-29',
}
const RFC_7638_THUMBPRINT = 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs'

describe('public JWKs and RFC 7638 thumbprints', () => {
  it("gives the RFC 7638 §3.1 example key's thumbprint", () => {
    const key = createPublicKey({ key: RFC_7638_KEY, format: 'jwk' })
    expect(publicJwkOf(key)).toEqual({ e: 'AQAB', kty: 'RSA', n: RFC_7638_KEY.n })
    expect(keyThumbprint(key)).toBe(RFC_7638_THUMBPRINT)
  })

  it.each([
    ['RSA', generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey],
    ['EC P-384', generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey],
    ['EC P-256', generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey],
  ])('%s: only the required public members, in order, hashed', (_, key) => {
    const jwk = publicJwkOf(key)
    expect(jwk).toBeDefined()
    expect(Object.keys(jwk ?? {}).some((member) => PRIVATE_MEMBERS.includes(member))).toBe(false)
    expect(Object.keys(jwk ?? {})).toEqual(Object.keys(jwk ?? {}).sort())
    expect(keyThumbprint(key)).toBe(jwkThumbprint(jwk ?? {}))
    // A private key and its public key have one thumbprint.
    expect(keyThumbprint(createPublicKey(key))).toBe(keyThumbprint(key))
  })

  it('makes a JWK Set with kid, alg and use "sig"', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' })
    const set = publicJwkSet(privateKey, 'kid-1', 'ES384')
    expect(set?.keys).toEqual([
      expect.objectContaining({ kty: 'EC', crv: 'P-384', kid: 'kid-1', alg: 'ES384', use: 'sig' }),
    ])
    expect(JSON.stringify(set)).not.toMatch(/"(d|p|q|dp|dq|qi)"/)
  })

  it('has no JWK for a key type a JWK cannot hold (RSASSA-PSS)', () => {
    const { privateKey } = generateKeyPairSync('rsa-pss', { modulusLength: 2048 })
    expect(publicJwkOf(privateKey)).toBeUndefined()
    expect(keyThumbprint(privateKey)).toBeUndefined()
  })
})
