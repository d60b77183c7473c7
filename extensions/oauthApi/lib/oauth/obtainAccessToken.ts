import { LRUCache } from 'lru-cache'
import { raceDeadline } from '../http/deadline'
import { timeoutError } from '../http/HttpError'
import { transportFailure } from '../step/exchangeNotes'
import type { StepContext } from '../step/StepContext'
import { discoverTokenEndpoint } from './discovery'
import { requestToken } from './requestToken'
import type { TokenClient } from './TokenClient'
import { reusableUntilMs } from './tokenLifetime'
import { recordTokenOrigin } from './tokenOrigins'
import type { TokenSet } from './tokenResponse'

/** Where a token came from: the cache, this run's request, or a concurrent run's request. */
type TokenSource = 'cache' | 'loaded' | 'shared'

export interface ObtainedToken {
  token: TokenSet
  source: TokenSource
}

interface TokenLoad {
  client: TokenClient
  step: StepContext
}

export const MAX_CACHED_TOKENS = 500

const SOURCES: Partial<
  Record<NonNullable<LRUCache.Status<string, TokenSet, TokenLoad>['fetch']>, TokenSource>
> = {
  hit: 'cache',
  inflight: 'shared',
}

/**
 * The process's access tokens, keyed by TokenClient.cacheKey: bounded (least recently used leave
 * first), each entry kept until its renewal margin, loaded once for all concurrent callers with
 * the same key (single-flight), failures never kept.
 */
export const tokenCache = new LRUCache<string, TokenSet, TokenLoad>({
  max: MAX_CACHED_TOKENS,
  // A token evicted while it was being requested still reaches the runs that wait for it.
  ignoreFetchAbort: true,
  fetchMethod: async (_key, _stale, { options, context }) => {
    const { client, step } = context
    const tokenUrl =
      client.endpoint.kind === 'url'
        ? client.endpoint.url
        : await discoverTokenEndpoint(client.endpoint.issuer, client.connection, step)
    const obtainedAtMs = Date.now()
    const token = await requestToken(client, tokenUrl, step)
    recordTokenOrigin(token.accessToken, client.connection, token.expiresAtMs)
    // Each token is kept until its own renewal margin; at least 1 ms, as 0 would mean "forever".
    options.ttl = Math.max(1, reusableUntilMs(token.expiresAtMs, obtainedAtMs) - Date.now())
    return token
  },
})

/**
 * An access token for the client: from the token cache while it is fresh, or from one token
 * request shared by all concurrent callers with the same key. `bypassCache` asks for a new token
 * unless a request for one is already under way.
 */
export const obtainAccessToken = async (
  client: TokenClient,
  step: StepContext,
  options: { bypassCache?: boolean } = {},
): Promise<ObtainedToken> => {
  const bypassCache = options.bypassCache === true
  if (!bypassCache) {
    const cached = tokenCache.get(client.cacheKey)
    if (cached !== undefined) {
      step.redactor.add(cached.accessToken)
      return { token: cached, source: 'cache' }
    }
  }
  const status: LRUCache.Status<string, TokenSet, TokenLoad> = {}
  const token = await raceDeadline(
    tokenCache.forceFetch(client.cacheKey, {
      context: { client, step },
      forceRefresh: bypassCache,
      status,
    }),
    step.deadline,
    () =>
      transportFailure(
        timeoutError(
          client.endpoint.kind === 'url' ? client.endpoint.url : client.endpoint.issuer,
          step.deadline.seconds,
        ),
        'The token request',
      ),
  )
  step.redactor.add(token.accessToken)
  return { token, source: SOURCES[status.fetch ?? 'miss'] ?? 'loaded' }
}

/** Forgets a token that the API refused, unless the cache already holds a newer one. */
export const forgetAccessToken = (client: TokenClient, accessToken: string): void => {
  if (tokenCache.peek(client.cacheKey)?.accessToken === accessToken) {
    tokenCache.delete(client.cacheKey)
  }
}
