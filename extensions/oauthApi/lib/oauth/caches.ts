import { clearRateSchedules } from '../rate/requestRate'
import { metadataCache } from './discovery'
import { abandonTokenLoads, tokenCache } from './obtainAccessToken'
import { clearTokenOrigins } from './tokenOrigins'
import { clearTokenReferences } from './tokenReferences'

/** For tests and the benchmark: start from cold caches (and no rate-limit schedule). */
export const clearCaches = (): void => {
  tokenCache.clear()
  abandonTokenLoads()
  metadataCache.clear()
  clearRateSchedules()
  clearTokenReferences()
  clearTokenOrigins()
}
