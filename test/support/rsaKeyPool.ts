// Jest globalSetup of the tooling tests: makes the RSA key pool that servers/rsaKeys.ts hands out
// (in parallel, on libuv's thread pool), once per run, before the workers start; they inherit it
// through the environment.
import { generateKeyPair } from 'node:crypto'
import { promisify } from 'node:util'
import { RSA_KEY_POOL_ENV } from '../../servers/rsaKeys'

/** The most one suite takes: test/servers/localServers.test.ts starts eight servers, two keys each. */
const POOL_SIZE = 16

export default async function makeRsaKeyPool(): Promise<void> {
  if (process.env[RSA_KEY_POOL_ENV] !== undefined) return
  const keys = await Promise.all(
    Array.from({ length: POOL_SIZE }, () =>
      promisify(generateKeyPair)('rsa', {
        modulusLength: 2048,
        privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
        publicKeyEncoding: { type: 'spki', format: 'pem' },
      }),
    ),
  )
  process.env[RSA_KEY_POOL_ENV] = JSON.stringify(keys.map((pair) => pair.privateKey))
}
