import { metadataCache } from './discovery'
import { tokenCache } from './obtainAccessToken'

/** For tests and the benchmark: start from cold caches. */
export const clearCaches = (): void => {
  tokenCache.clear()
  metadataCache.clear()
}
