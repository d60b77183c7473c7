import { LRUCache } from 'lru-cache'
import { raceDeadline, type Deadline } from '../http/deadline'
import { timeoutError } from '../http/HttpError'
import { transportFailure } from '../step/transportFailure'
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

export const MAX_CACHED_TOKENS = 500

/**
 * The process's access tokens, keyed by TokenClient.cacheKey: bounded (least recently used leave
 * first), each entry kept until its renewal margin, failures never kept.
 */
export const tokenCache = new LRUCache<string, TokenSet>({
  max: MAX_CACHED_TOKENS,
})

/**
 * One token request shared by the runs that need the same token at the same time (single-flight).
 * Its deadline is its own: it ends with the latest deadline of the runs waiting for it, extended
 * when a run with a later one joins, so that the run that started it does not cut short a run
 * with a longer timeout. Each run waits for it no longer than its own deadline; once the last
 * run waiting has given up, the request is abandoned (aborted, and no longer joined): a request
 * stalled in its TLS handshake never keeps a later run from making its own.
 */
interface TokenLoad {
  promise: Promise<TokenSet>
  waiters: number
  settled: boolean
  extendTo: (deadline: Deadline) => void
  abort: () => void
}

/**
 * The token requests under way, by cache key: bounded by the keys requested at once, each entry
 * removed when its request settles or is abandoned (within TOKEN_LOAD_SECONDS at most).
 */
const tokenLoads = new Map<string, TokenLoad>()

/** The shared request's deadline: the first run's end, moved later by `extendTo`. */
const loadDeadline = (
  first: Deadline,
): { deadline: Deadline; extendTo: (deadline: Deadline) => void; abort: () => void } => {
  const controller = new AbortController()
  const deadline: Deadline = {
    signal: controller.signal,
    seconds: first.seconds,
    endsAtMs: first.endsAtMs,
  }
  let timer: NodeJS.Timeout | undefined
  const arm = (): void => {
    clearTimeout(timer)
    timer = setTimeout(() => controller.abort(), Math.max(0, deadline.endsAtMs - Date.now()))
    timer.unref()
  }
  arm()
  return {
    deadline,
    extendTo: (later) => {
      if (controller.signal.aborted || later.endsAtMs <= deadline.endsAtMs) return
      deadline.endsAtMs = later.endsAtMs
      deadline.seconds = later.seconds
      arm()
    },
    abort: () => {
      clearTimeout(timer)
      controller.abort()
    },
  }
}

/** Starts the shared token request for the client: discovery (when needed), then the request. */
const startLoad = (client: TokenClient, step: StepContext): TokenLoad => {
  const { deadline, extendTo, abort } = loadDeadline(step.deadline)
  // Token requests take no turn under the API's rate limit.
  const loadStep: StepContext = { ...step, deadline, throttle: undefined }
  const request = async (): Promise<TokenSet> => {
    const tokenUrl =
      client.endpoint.kind === 'url'
        ? client.endpoint.url
        : await discoverTokenEndpoint(client.endpoint.issuer, client.connection, loadStep)
    const obtainedAtMs = Date.now()
    const token = await requestToken(client, tokenUrl, loadStep)
    recordTokenOrigin(token.accessToken, client.connection, token.expiresAtMs)
    // Each token is kept until its own renewal margin; at least 1 ms, as 0 would mean "forever".
    const ttl = Math.max(1, reusableUntilMs(token.expiresAtMs, obtainedAtMs) - Date.now())
    // An abandoned request's token is not kept: a newer request may be under way.
    if (!deadline.signal.aborted) tokenCache.set(client.cacheKey, token, { ttl })
    return token
  }
  const load: TokenLoad = { promise: request(), waiters: 0, settled: false, extendTo, abort }
  const settle = (): void => {
    load.settled = true
    abort()
    if (tokenLoads.get(client.cacheKey) === load) tokenLoads.delete(client.cacheKey)
  }
  // Settles here too when nobody waits for it any more: no unhandled rejection.
  load.promise.then(settle, settle)
  tokenLoads.set(client.cacheKey, load)
  return load
}

/**
 * An access token for the client: from the token cache while it is fresh, or from one token
 * request shared by all concurrent callers with the same key, waited for within this step's
 * deadline. `bypassCache` asks for a new token unless a request for one is already under way.
 */
export const obtainAccessToken = async (
  client: TokenClient,
  step: StepContext,
  options: { bypassCache?: boolean } = {},
): Promise<ObtainedToken> => {
  if (options.bypassCache !== true) {
    const cached = tokenCache.get(client.cacheKey)
    if (cached !== undefined) {
      step.redactor.add(cached.accessToken)
      return { token: cached, source: 'cache' }
    }
  }
  const joined = tokenLoads.get(client.cacheKey)
  const load = joined ?? startLoad(client, step)
  load.waiters++
  load.extendTo(step.deadline)
  try {
    const token = await raceDeadline(load.promise, step.deadline, () =>
      transportFailure(
        timeoutError(
          client.endpoint.kind === 'url' ? client.endpoint.url : client.endpoint.issuer,
          step.deadline.seconds,
        ),
        'token request',
      ),
    )
    step.redactor.add(token.accessToken)
    return { token, source: joined === undefined ? 'loaded' : 'shared' }
  } finally {
    load.waiters--
    if (load.waiters === 0 && !load.settled) {
      // Nobody waits for it any more: the next run makes its own request.
      if (tokenLoads.get(client.cacheKey) === load) tokenLoads.delete(client.cacheKey)
      load.abort()
    }
  }
}

/** For tests and the benchmark (caches.ts): token requests under way are abandoned. */
export const abandonTokenLoads = (): void => {
  for (const load of tokenLoads.values()) load.abort()
  tokenLoads.clear()
}

/** Forgets a token that the API refused, unless the cache already holds a newer one. */
export const forgetAccessToken = (client: TokenClient, accessToken: string): void => {
  if (tokenCache.peek(client.cacheKey)?.accessToken === accessToken) {
    tokenCache.delete(client.cacheKey)
  }
}
