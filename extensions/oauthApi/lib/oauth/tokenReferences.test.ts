import { setTimeout as sleep } from 'node:timers/promises'
import {
  clearTokenReferences,
  isTokenReference,
  referenceFor,
  resolveTokenReference,
} from './tokenReferences'

const HOUR = 3_600_000

describe('token references (tokenDataPoints = reference)', () => {
  beforeEach(() => clearTokenReferences())

  it('are "oauthapi-ref:" and at least 128 random bits as base64url', () => {
    const reference = referenceFor({
      accessToken: 'token-a',
      cacheKey: 'k1',
      expiresAtMs: Date.now() + HOUR,
    })
    expect(reference).toMatch(/^oauthapi-ref:[A-Za-z0-9_-]{22,}$/)
    expect(reference).not.toContain('token-a')
    expect(isTokenReference(reference)).toBe(true)
    expect(isTokenReference('oauthapi-ref:short')).toBe(false)
    expect(isTokenReference('token-a')).toBe(false)
  })

  it('resolve to the very token they were issued for, for the same configuration only', () => {
    const expiresAtMs = Date.now() + HOUR
    const a = referenceFor({ accessToken: 'token-a', cacheKey: 'k1', expiresAtMs })
    const b = referenceFor({ accessToken: 'token-b', cacheKey: 'k1', expiresAtMs })
    expect(a).not.toBe(b)
    expect(resolveTokenReference(a, 'k1')?.accessToken).toBe('token-a')
    expect(resolveTokenReference(b, 'k1')?.accessToken).toBe('token-b')
    expect(resolveTokenReference(a, 'k2')).toBeUndefined()
    expect(resolveTokenReference('oauthapi-ref:AAAAAAAAAAAAAAAAAAAAAA', 'k1')).toBeUndefined()
  })

  it('give one token one reference per configuration', () => {
    const expiresAtMs = Date.now() + HOUR
    const first = referenceFor({ accessToken: 'token-a', cacheKey: 'k1', expiresAtMs })
    expect(referenceFor({ accessToken: 'token-a', cacheKey: 'k1', expiresAtMs })).toBe(first)
    expect(referenceFor({ accessToken: 'token-a', cacheKey: 'k2', expiresAtMs })).not.toBe(first)
  })

  it('stop resolving once the token is no longer fresh (its renewal margin)', async () => {
    const stale = referenceFor({
      accessToken: 'token-a',
      cacheKey: 'k1',
      // 30 s left of a token whose lifetime is unknown: inside the 60 s renewal margin.
      expiresAtMs: Date.now() + 30_000,
    })
    await sleep(5)
    expect(resolveTokenReference(stale, 'k1')).toBeUndefined()
  })
})
