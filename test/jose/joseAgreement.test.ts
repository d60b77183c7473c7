/**
 * The extension signs and reads JWTs with node:crypto (lib/oauth/jws.ts) and computes RFC 7638
 * thumbprints itself (lib/oauth/publicJwk.ts). Here jose — the reference implementation the
 * servers use — verifies and computes the same things. (jose is ES-module-only, so it stays out
 * of the extension folder: the house loads extensions with require().)
 */
import fc from 'fast-check'
import { calculateJwkThumbprint, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose'
import { signClientAssertion } from '../../extensions/oauthApi/lib/oauth/clientAssertion'
import {
  decodeJwtPayload,
  signJwt,
  type JwsAlgorithm,
} from '../../extensions/oauthApi/lib/oauth/jws'
import { keyThumbprint } from '../../extensions/oauthApi/lib/oauth/publicJwk'
import { makeJwsKeys } from '../../extensions/oauthApi/__mocks__/oauthApiTestKit/jwsKeys'

const KEYS = makeJwsKeys()
const ALGORITHMS = Object.keys(KEYS) as JwsAlgorithm[]

describe('jws.ts agrees with jose', () => {
  it.each(ALGORITHMS)('%s: jose verifies what signJwt signs', async (algorithm) => {
    const { privateKey, publicKey } = KEYS[algorithm]
    const claims = { iss: 'c', sub: 'c', aud: 'https://as.example/token', exp: 2e9, n: 'ü' }
    const token = signJwt({ header: { typ: 'JWT', kid: 'k' }, claims, key: privateKey, algorithm })
    const { payload, protectedHeader } = await jwtVerify(token, publicKey, {
      algorithms: [algorithm],
      audience: 'https://as.example/token',
      issuer: 'c',
    })
    expect(protectedHeader).toEqual({ alg: algorithm, typ: 'JWT', kid: 'k' })
    expect(payload).toEqual(claims)
  })

  it.each(ALGORITHMS)(
    '%s: the client assertion verifies as RFC 7523 §3 asks',
    async (algorithm) => {
      const { privateKey, publicKey } = KEYS[algorithm]
      const tokenUrl = new URL('https://as.example/oauth2/token')
      const assertion = signClientAssertion(
        {
          method: 'private_key_jwt',
          clientId: 'client-1',
          key: privateKey,
          keyId: 'kid-1',
          algorithm,
          jwksUrl: new URL('https://keys.example/jwks.json'),
          certificate: undefined,
        },
        tokenUrl,
      )
      expect(decodeProtectedHeader(assertion)).toEqual({
        alg: algorithm,
        typ: 'JWT',
        kid: 'kid-1',
        jku: 'https://keys.example/jwks.json',
      })
      const { payload } = await jwtVerify(assertion, publicKey, {
        algorithms: [algorithm],
        audience: tokenUrl.href,
        issuer: 'client-1',
        subject: 'client-1',
        maxTokenAge: 300,
        requiredClaims: ['jti', 'iat', 'exp'],
      })
      expect(payload.exp! - payload.iat!).toBeLessThanOrEqual(300)
    },
  )

  it('decodeJwtPayload reads what jose decodeJwt reads, and nothing jose refuses', () => {
    const segment = fc.oneof(
      fc
        .base64String()
        .map((text) => text.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')),
      fc.jsonValue().map((value) => Buffer.from(JSON.stringify(value)).toString('base64url')),
      fc.string(),
    )
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 5 }), (segments) => {
        const token = segments.join('.')
        let fromJose: unknown
        try {
          fromJose = decodeJwt(token)
        } catch {
          fromJose = undefined
        }
        const ours = decodeJwtPayload(token)
        // Where jose refuses, so does the extension; where jose reads claims, the same ones.
        if (fromJose === undefined) expect(ours).toBeUndefined()
        else expect(ours).toEqual(fromJose)
      }),
      { numRuns: 2000 },
    )
  })

  it.each([
    ['RSA', KEYS.RS256.privateKey],
    ['EC P-256', KEYS.ES256.privateKey],
    ['EC P-384', KEYS.ES384.privateKey],
  ])('%s: the RFC 7638 thumbprint is what jose computes', async (_, key) => {
    expect(keyThumbprint(key)).toBe(await calculateJwkThumbprint(key.export({ format: 'jwk' })))
  })
})
