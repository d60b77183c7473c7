import { createHash } from 'node:crypto'
import { tokenCache } from '../cache/caches'
import type { CacheSource } from '../cache/ExpiringLruCache'
import type { Redactor } from '../run/redactor'
import { discoverTokenEndpoint } from './discovery'
import { requestToken } from './requestToken'
import type { TokenClient } from './tokenClient'
import { reusableUntilMs } from './tokenLifetime'
import type { TokenSet } from './tokenResponse'

export interface ObtainedToken {
  token: TokenSet
  /** 'cache': reused; 'loaded': this run requested it; 'shared': a concurrent run's request. */
  source: CacheSource
}

/**
 * An access token for the client: from the process's token cache while it is fresh, or from one
 * token request shared by all concurrent callers with the same key (single-flight).
 */
export const obtainAccessToken = async (
  client: TokenClient,
  redactor: Redactor,
  options: { bypassCache?: boolean } = {},
): Promise<ObtainedToken> => {
  const key = tokenCacheKey(client)
  const { value, source } = await tokenCache.getOrLoad(
    key,
    async () => {
      const tokenUrl =
        client.tokenUrl ?? (await discoverTokenEndpoint(client.issuerUrl!, client.limits))
      const obtainedAtMs = Date.now()
      const token = await requestToken(client, tokenUrl, redactor)
      return { value: token, freshUntilMs: reusableUntilMs(token.expiresAtMs, obtainedAtMs) }
    },
    options.bypassCache === true,
  )
  redactor.add(value.accessToken)
  return { token: value, source }
}

/** Forgets a token that the API refused, unless the cache already holds a newer one. */
export const forgetAccessToken = (client: TokenClient, accessToken: string): void => {
  tokenCache.deleteIfSame(tokenCacheKey(client), (cached) => cached.accessToken === accessToken)
}

/**
 * Everything that changes which token the server issues is in the key — a scope or resource left
 * out would hand one care flow another's token. The credential is hashed, never stored.
 */
export const tokenCacheKey = (client: TokenClient): string => {
  const { credentials } = client
  const credential =
    credentials.method === 'private_key_jwt' ? credentials.privateKey : credentials.clientSecret
  return createHash('sha256')
    .update(
      JSON.stringify([
        client.tokenUrl ?? `issuer:${client.issuerUrl}`,
        credentials.clientId,
        createHash('sha256')
          .update(credential ?? '')
          .digest('hex'),
        credentials.method,
        credentials.privateKeyId,
        credentials.signingAlgorithm,
        client.scope,
        client.audience,
        client.resource,
        Object.entries(client.extraParams).sort(([a], [b]) => a.localeCompare(b)),
      ]),
    )
    .digest('hex')
}
