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
