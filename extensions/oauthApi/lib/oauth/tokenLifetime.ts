/** A token is renewed this long before it expires (Duende.AccessTokenManagement uses 60 s too). */
const RENEWAL_MARGIN_MS = 60_000
/** For short-lived tokens the margin is this share of the lifetime instead (24 s of 120 s). */
const RENEWAL_MARGIN_SHARE = 0.2
/**
 * A token whose lifetime the server does not tell (no expires_in, not a JWT) is reused for this
 * long at most; a 401 from the API renews it sooner (see authenticatedApiCall).
 */
export const UNKNOWN_LIFETIME_REUSE_MS = 300_000

/**
 * The longest lifetime a token is believed to have: an expires_in or JWT exp further out (1e13
 * s, 1e308, an exp of 1e20) is treated as unknown — the token is then reused for at most
 * UNKNOWN_LIFETIME_REUSE_MS, never "forever", and no date beyond what Date can hold is made.
 */
export const MAX_TOKEN_LIFETIME_MS = 365 * 24 * 3_600_000

/**
 * An expiry (epoch ms) that can be believed: at most a year ahead, else undefined (unknown); one
 * before 1970 (a negative exp) counts as long past (0); NaN and infinities as unknown.
 */
export const plausibleExpiry = (
  expiresAtMs: number | undefined,
  now = Date.now(),
): number | undefined => {
  if (expiresAtMs === undefined || !Number.isFinite(expiresAtMs)) return undefined
  if (expiresAtMs > now + MAX_TOKEN_LIFETIME_MS) return undefined
  return Math.max(0, expiresAtMs)
}

export const renewalMarginMs = (lifetimeMs: number | undefined): number =>
  lifetimeMs === undefined || lifetimeMs <= 0
    ? RENEWAL_MARGIN_MS
    : Math.min(RENEWAL_MARGIN_MS, lifetimeMs * RENEWAL_MARGIN_SHARE)

/** Until when a token just obtained may be handed out again. */
export const reusableUntilMs = (expiresAtMs: number | undefined, obtainedAtMs: number): number =>
  expiresAtMs === undefined
    ? obtainedAtMs + UNKNOWN_LIFETIME_REUSE_MS
    : expiresAtMs - renewalMarginMs(expiresAtMs - obtainedAtMs)

/** Whether a token that expires at `expiresAtMs` should be replaced before it is sent. */
export const isExpiringSoon = (
  expiresAtMs: number,
  lifetimeMs: number | undefined,
  now = Date.now(),
): boolean => expiresAtMs - renewalMarginMs(lifetimeMs) <= now

/** The token's remaining lifetime in whole seconds (never negative), for expiresIn data points. */
export const secondsUntilExpiry = (
  expiresAtMs: number | undefined,
  now = Date.now(),
): number | undefined =>
  expiresAtMs === undefined ? undefined : Math.max(0, Math.round((expiresAtMs - now) / 1000))
