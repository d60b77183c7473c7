import { createServer, type Server } from 'node:net'
import { ALLOWED_NETWORKS_ENV, NetworkPolicyError } from './networkPolicy'
import { MAX_TLS_POOLS, tlsPoolOf } from './tlsPools'
import type { TlsProfile } from './tlsProfile'

const profile = (id: string): TlsProfile => ({ id, clientCertificate: undefined, ca: undefined })

describe('TLS pools', () => {
  it('gives each TLS profile its own pool, and the same one again while it is kept', () => {
    const first = tlsPoolOf(profile('a'))
    expect(tlsPoolOf(profile('a'))).toBe(first)
    expect(tlsPoolOf(profile('b')).pool).not.toBe(first.pool)
  })

  it('is bounded: the least recently used pool is closed when evicted', () => {
    const oldest = tlsPoolOf(profile('oldest'))
    expect(oldest.pool.closed).toBe(false)
    for (let i = 0; i < MAX_TLS_POOLS; i++) tlsPoolOf(profile(`other-${i}`))
    expect(oldest.pool.closed).toBe(true)
    // A later request of that profile gets a new pool.
    const again = tlsPoolOf(profile('oldest'))
    expect(again.pool).not.toBe(oldest.pool)
    expect(again.pool.closed).toBe(false)
  })
})

describe('TLS pools and the network policy', () => {
  let server: Server
  let port: number
  let connections = 0
  const saved = process.env[ALLOWED_NETWORKS_ENV]

  beforeAll(async () => {
    server = createServer((socket) => {
      connections += 1
      socket.destroy()
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    port = (server.address() as { port: number }).port
    delete process.env[ALLOWED_NETWORKS_ENV]
  })
  afterAll(async () => {
    if (saved === undefined) delete process.env[ALLOWED_NETWORKS_ENV]
    else process.env[ALLOWED_NETWORKS_ENV] = saved
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })

  it.each(['127.0.0.1', 'localhost'])(
    'a TLS profile’s own pool refuses %s when OAUTHAPI_ALLOWED_NETWORKS is unset, connecting to nothing',
    async (host) => {
      const { pool } = tlsPoolOf({
        id: `policy-${host}`,
        clientCertificate: undefined,
        ca: undefined,
      })
      const error = await pool
        .request({ origin: `https://${host}:${port}`, path: '/', method: 'GET' })
        .then(
          () => undefined,
          (failure: unknown) => failure,
        )
      expect(error).toBeInstanceOf(NetworkPolicyError)
      expect(connections).toBe(0)
    },
  )
})
