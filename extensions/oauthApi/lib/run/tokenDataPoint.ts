import {
  referenceFor,
  type ReferencedToken,
  type TokenDataPointMode,
} from '../oauth/tokenReferences'

/** The token a step obtained or sent, for its accessToken data point. */
export interface TokenOutput extends ReferencedToken {
  /** The tokenDataPoints setting. */
  mode: TokenDataPointMode
}

/**
 * The value of every accessToken data point, made here and nowhere else: the token itself in
 * `token` mode; in `reference` mode an opaque `oauthapi-ref:…` reference that only this process
 * resolves, for the same configuration, while the token is fresh — so the token never becomes a
 * data point (data points are stored with the care flow, sent to webhooks and exported).
 */
export const tokenDataPoint = (token: TokenOutput): string =>
  token.mode === 'token' ? token.accessToken : referenceFor(token)
