import { generateKeyPairSync } from 'node:crypto'
import { calculateJwkThumbprint } from 'jose'
import { jwkThumbprint, keyThumbprint, publicJwkOf, publicJwkSet } from './publicJwk'

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi']

describe('public JWKs and RFC 7638 thumbprints', () => {
  it.each([
    ['RSA', generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey],
    ['EC P-384', generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey],
    ['EC P-256', generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey],
  ])('%s: the thumbprint is what jose computes, and no private member is kept', async (_, key) => {
    const jwk = publicJwkOf(key)
    expect(jwk).toBeDefined()
    expect(Object.keys(jwk ?? {}).some((member) => PRIVATE_MEMBERS.includes(member))).toBe(false)
    const fromJose = await calculateJwkThumbprint(key.export({ format: 'jwk' }))
    expect(jwkThumbprint(jwk ?? {})).toBe(fromJose)
    expect(keyThumbprint(key)).toBe(fromJose)
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
