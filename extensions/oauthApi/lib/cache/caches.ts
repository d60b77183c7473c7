import type { TokenSet } from '../oauth/tokenResponse'
import type { AuthorizationServerMetadata } from '../oauth/discovery'
import type { ValidatedSettings } from '../../settings'
import { ExpiringLruCache } from './ExpiringLruCache'

/**
 * The process's deliberate shared state: access tokens, the authorization server metadata found
 * by discovery, and validated settings. All are bounded; none holds failures.
 */
export const MAX_CACHED_TOKENS = 500
export const tokenCache = new ExpiringLruCache<TokenSet>(MAX_CACHED_TOKENS)

export const MAX_CACHED_METADATA = 100
export const metadataCache = new ExpiringLruCache<AuthorizationServerMetadata>(MAX_CACHED_METADATA)

/** Settings already validated, by a hash of the raw settings, without their secrets. */
export const MAX_VALIDATED_SETTINGS = 100
export const validatedSettingsCache = new ExpiringLruCache<ValidatedSettings>(
  MAX_VALIDATED_SETTINGS,
)

/** For tests and the benchmark: start from a cold cache. */
export const clearCaches = (): void => {
  tokenCache.clear()
  metadataCache.clear()
  validatedSettingsCache.clear()
}
