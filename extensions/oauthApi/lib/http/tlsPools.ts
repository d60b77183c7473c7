import { Axios } from 'axios'
import { LRUCache } from 'lru-cache'
import type { TlsProfile } from './tlsProfile'
import { createPool, createUndiciAdapter } from './undiciAdapter'

/** Connections with a TLS profile of their own at once; the least recently used pool is closed. */
const MAX_TLS_POOLS = 50

interface TlsPool {
  pool: ReturnType<typeof createPool>
  client: Axios
}

/**
 * One connection pool (and its axios, as sendRequest.ts makes the shared one) per TLS profile:
 * two connections with different client certificates or CAs never share a socket. Bounded; an
 * evicted pool is closed — requests under way on it finish first (undici's Agent.close), and a
 * later request of that profile gets a new pool.
 */
const tlsPools = new LRUCache<string, TlsPool>({
  max: MAX_TLS_POOLS,
  dispose: ({ pool }) => {
    pool.close().catch(() => undefined)
  },
})

/** The axios of a TLS profile's own pool, made on first use. */
export const clientWithTls = (profile: TlsProfile): Axios => {
  const known = tlsPools.get(profile.id)
  if (known !== undefined) return known.client
  const pool = createPool({
    ca: profile.ca,
    cert: profile.clientCertificate?.chain,
    key: profile.clientCertificate?.key,
  })
  const client = new Axios({ adapter: createUndiciAdapter(pool) })
  tlsPools.set(profile.id, { pool, client })
  return client
}

/** For tests: close every profile's pool. */
export const closeTlsPools = (): void => {
  tlsPools.clear()
}
