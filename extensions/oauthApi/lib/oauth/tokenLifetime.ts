/** A token is renewed this long before it expires (Duende.AccessTokenManagement uses 60 s too). */
const RENEWAL_MARGIN_MS = 60_000
/** For short-lived tokens the margin is this share of the lifetime instead (24 s of 120 s). */
const RENEWAL_MARGIN_SHARE = 0.2
/**
 * A token whose lifetime the server does not tell (no expires_in, not a JWT) is reused for this
 * long at most; a 401 from the API renews it sooner (see authenticatedApiCall).
 */
const UNKNOWN_LIFETIME_REUSE_MS = 300_000

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
