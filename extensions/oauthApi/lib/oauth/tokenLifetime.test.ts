import {
  isExpiringSoon,
  MAX_TOKEN_LIFETIME_MS,
  plausibleExpiry,
  renewalMarginMs,
  reusableUntilMs,
} from './tokenLifetime'

describe('token lifetime: when a token is renewed', () => {
  it('renews 60 s before expiry, or a fifth of a short lifetime', () => {
    expect(renewalMarginMs(3_600_000)).toBe(60_000)
    expect(renewalMarginMs(120_000)).toBe(24_000)
    expect(renewalMarginMs(undefined)).toBe(60_000)
  })

  it('reuses a token until the margin, or 5 minutes when its lifetime is unknown', () => {
    const obtained = 1_000_000
    expect(reusableUntilMs(obtained + 3_600_000, obtained)).toBe(obtained + 3_540_000)
    expect(reusableUntilMs(obtained + 120_000, obtained)).toBe(obtained + 96_000)
    expect(reusableUntilMs(undefined, obtained)).toBe(obtained + 300_000)
  })

  it('calls a token expiring soon once it is within the margin', () => {
    const now = 1_000_000
    expect(isExpiringSoon(now + 61_000, undefined, now)).toBe(false)
    expect(isExpiringSoon(now + 59_000, undefined, now)).toBe(true)
    expect(isExpiringSoon(now + 30_000, 120_000, now)).toBe(false)
    expect(isExpiringSoon(now - 1, 120_000, now)).toBe(true)
  })

  it('believes an expiry up to a year ahead; past 1970 backwards is long past, beyond is unknown', () => {
    const now = 1_000_000
    expect(plausibleExpiry(now + MAX_TOKEN_LIFETIME_MS, now)).toBe(now + MAX_TOKEN_LIFETIME_MS)
    expect(plausibleExpiry(now + MAX_TOKEN_LIFETIME_MS + 1, now)).toBeUndefined()
    expect(plausibleExpiry(1e23, now)).toBeUndefined()
    expect(plausibleExpiry(Number.NaN, now)).toBeUndefined()
    expect(plausibleExpiry(Number.POSITIVE_INFINITY, now)).toBeUndefined()
    expect(plausibleExpiry(-1e23, now)).toBe(0)
    expect(plausibleExpiry(undefined, now)).toBeUndefined()
  })
})
