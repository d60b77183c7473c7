import { Axios } from 'axios'
import { LRUCache } from 'lru-cache'
import type { TlsProfile } from './tlsProfile'
import { createPool, createUndiciAdapter } from './undiciAdapter'

/** Connections with a TLS profile of their own at once; the least recently used pool is closed. */
export const MAX_TLS_POOLS = 50

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
export const clientWithTls = (profile: TlsProfile): Axios => tlsPoolOf(profile).client

/** A TLS profile's pool and its axios, made on first use (exported for the eviction test). */
export const tlsPoolOf = (profile: TlsProfile): TlsPool => {
  const known = tlsPools.get(profile.id)
  if (known !== undefined) return known
  const pool = createPool({
    ca: profile.ca,
    cert: profile.clientCertificate?.chain,
    key: profile.clientCertificate?.key,
  })
  const made = { pool, client: new Axios({ adapter: createUndiciAdapter(pool) }) }
  tlsPools.set(profile.id, made)
  return made
}
