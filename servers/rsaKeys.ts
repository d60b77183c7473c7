// RSA-2048 private keys for the local servers and the tests.
//
// Making one costs about a fifth of a CPU-second, and one `npm test` needs some sixty (every
// authorization server signs with one, every private_key_jwt RS384 client has one, the fault and
// fuzz fixtures sign with one). The tooling tests' global setup (test/support/rsaKeyPool.ts) makes
// a pool once per run, at run time, and hands it to every suite in OAUTHAPI_TEST_RSA_KEYS. Each
// process (each jest suite has its own module registry) takes the pool's keys in order, so the
// keys one suite uses are distinct from each other; past the end of the pool, or without one (the
// demo, `npm run servers`, the bench), a key is made afresh.

import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto'

export const RSA_KEY_POOL_ENV = 'OAUTHAPI_TEST_RSA_KEYS'

let taken = 0

/** A fresh RSA-2048 private key: the pool's next one, or a new one. */
export function rsaPrivateKey(): KeyObject {
  const pool = process.env[RSA_KEY_POOL_ENV]
  const pems = pool === undefined ? [] : (JSON.parse(pool) as string[])
  const pem = pems[taken]
  if (pem !== undefined) {
    taken += 1
    return createPrivateKey(pem)
  }
  return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
}

/** The same, as PKCS#8 PEM. */
export const rsaPrivateKeyPem = (): string =>
  rsaPrivateKey().export({ type: 'pkcs8', format: 'pem' }).toString()

/** The same, with its public key (as generateKeyPairSync returns them). */
export function rsaKeyPair(): { privateKey: KeyObject; publicKey: KeyObject } {
  const privateKey = rsaPrivateKey()
  return { privateKey, publicKey: createPublicKey(privateKey) }
}
