// A key pair for each JWS algorithm the extension signs with (lib/oauth/jws.ts), made at run
// time: one RSA pair for RS256, RS384, PS256 and PS384, and one EC pair per curve. Shared by the
// extension's own jws tests and the tooling suite that checks them against jose.
import { generateKeyPairSync, type KeyObject } from 'node:crypto'
import type { JwsAlgorithm } from '../../lib/oauth/jws'

export type JwsKeys = Record<JwsAlgorithm, { privateKey: KeyObject; publicKey: KeyObject }>

export const makeJwsKeys = (): JwsKeys => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
  return {
    RS256: rsa,
    RS384: rsa,
    PS256: rsa,
    PS384: rsa,
    ES256: generateKeyPairSync('ec', { namedCurve: 'P-256' }),
    ES384: generateKeyPairSync('ec', { namedCurve: 'P-384' }),
  }
}
