import type { ApiCallResult } from './callApi'

/**
 * Where the token of a call came from, for the step's event: renewed after a refusal, replaced
 * before it expired, handed in by the accessToken field, fetched, or reused from the cache.
 */
export const tokenNote = (result: ApiCallResult, handedIn: boolean): string => {
  const { token, renewedAfterStatus } = result
  if (renewedAfterStatus !== undefined) return `token renewed after HTTP ${renewedAfterStatus}`
  if (token.replaced) return 'expired token replaced'
  if (handedIn) return 'token from the accessToken field'
  return token.fetched ? 'new token fetched' : 'cached token'
}
