import type { TokenSet } from '../oauth/tokenResponse'
import type { AuthorizationServerMetadata } from '../oauth/discovery'
import { ExpiringLruCache } from './ExpiringLruCache'

/**
 * The process's deliberate shared state: access tokens, and the authorization server metadata
 * found by discovery. Both are bounded; neither holds failures.
 */
export const MAX_CACHED_TOKENS = 500
export const tokenCache = new ExpiringLruCache<TokenSet>(MAX_CACHED_TOKENS)

export const MAX_CACHED_METADATA = 100
export const metadataCache = new ExpiringLruCache<AuthorizationServerMetadata>(MAX_CACHED_METADATA)

/** For tests and the benchmark: start from a cold cache. */
export const clearCaches = (): void => {
  tokenCache.clear()
  metadataCache.clear()
}
