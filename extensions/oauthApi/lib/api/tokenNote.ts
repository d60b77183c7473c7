import type { ApiCallResult } from './callApi'

/**
 * Where the token of a call came from, for the step's event: renewed after a refusal, replaced
 * before it expired, handed in by the accessToken field (as a token or a reference), fetched, or
 * reused from the cache — and, for a reference this process cannot resolve, that it did not.
 */
export const tokenNote = (result: Pick<ApiCallResult, 'token' | 'renewedAfterStatus'>): string => {
  const { token, renewedAfterStatus } = result
  if (renewedAfterStatus !== undefined) return `token renewed after HTTP ${renewedAfterStatus}`
  if (token.replaced) return 'expired token replaced'
  const fromSettings = token.fetched ? 'new token fetched' : 'cached token'
  switch (token.handedIn) {
    case 'token':
      return 'token from the accessToken field'
    case 'reference':
      return 'token from the reference in the accessToken field'
    case 'unresolvedReference':
      return `the token reference is not known here (another server or a restart, other settings or another connection, or its token expired), so a token was obtained from the settings: ${fromSettings}`
    case 'otherConnection':
      return `the token in the accessToken field was obtained for another connection, so it was not sent; a token was obtained for this one: ${fromSettings}`
    case 'none':
      return fromSettings
  }
}
