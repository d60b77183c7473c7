import { setTimeout as sleep } from 'node:timers/promises'
import type { ConfigurableRateLimiter, Helpers } from '@awell-health/extensions-core'
import { LRUCache } from 'lru-cache'
import { raceDeadline, remainingMs, type Deadline } from '../http/deadline'
import { StepFailure } from '../step/StepFailure'
import type { RequestLine } from '../step/failureFacts'
import type { Throttle } from '../step/StepContext'

/**
 * The request budget of one extension configuration: at most `perMinute` API requests, shared by
 * every run with the same settings (`key`: token URL or issuer, client, API base URL).
 */
export interface RequestRate {
  perMinute: number
  key: string
}

/** The runtime's limiter factory (extensions-core Helpers), backed for every replica. */
type RateLimiterHelper = Helpers['rateLimiter']

/** How many configurations the in-process limiter keeps a schedule for. */
const MAX_SCHEDULES = 1000
/** A refusal from the runtime's limiter that names no wait is tried again after this long. */
const MIN_RETRY_MS = 50

/**
 * The in-process fallback (the local CLI, tests, a runtime without the helper): per
 * configuration, the time at which the next request may go (a GCRA-style schedule without burst),
 * so that requests are spaced 60,000 / perMinute ms apart. Bounded, least recently used first;
 * a schedule whose time has passed holds no information, so losing one costs nothing.
 */
const schedules = new LRUCache<string, number>({ max: MAX_SCHEDULES })

/** For tests: forget every configuration's schedule. */
export const clearRateSchedules = (): void => schedules.clear()

/**
 * The throttle of one step: waits for the request's turn under `rate` — through the runtime's
 * `helpers.rateLimiter` when it has one, else the in-process schedule — and counts the wait
 * against the step's deadline. Without a rate there is no throttle: every request goes at once.
 */
export const requestThrottle = (
  rate: RequestRate | undefined,
  helper: RateLimiterHelper | undefined,
  deadline: Deadline,
): Throttle | undefined => {
  if (rate === undefined) return undefined
  let limiter: ConfigurableRateLimiter | undefined | null
  return async (request) => {
    limiter ??= runtimeLimiter(rate, helper)
    if (limiter !== null) {
      const waited = await waitForRuntimeTurn(limiter, rate, deadline, request)
      if (waited) return
    }
    await waitForLocalTurn(rate, deadline, request)
  }
}

/**
 * The runtime's limiter for this budget, or null when there is none: the helper is missing, or
 * says it is not available (the local runner's helpers throw).
 */
const runtimeLimiter = (
  rate: RequestRate,
  helper: RateLimiterHelper | undefined,
): ConfigurableRateLimiter | null => {
  if (typeof helper !== 'function') return null
  try {
    return helper(`oauthApi-requests-${rate.perMinute}-per-minute`, {
      requests: rate.perMinute,
      duration: { value: 1, unit: 'minutes' },
    })
  } catch {
    return null
  }
}

/**
 * Asks the runtime's limiter for a turn until it grants one, waiting `msBeforeNext` (from
 * rate-limiter-flexible's RateLimiterRes) in between. Resolves false when the limiter itself
 * fails (e.g. its store is down): the in-process schedule then keeps the budget per process.
 */
const waitForRuntimeTurn = async (
  limiter: ConfigurableRateLimiter,
  rate: RequestRate,
  deadline: Deadline,
  request: RequestLine,
): Promise<boolean> => {
  for (;;) {
    let granted: boolean
    let waitMs: number
    try {
      // The runtime's store answers within the step's deadline, or the step fails in time.
      const { success, result } = await raceDeadline(limiter.limit(rate.key), deadline, () =>
        noTurn(rate, deadline, request),
      )
      granted = success
      waitMs = Math.max(MIN_RETRY_MS, Number(result?.msBeforeNext) || 0)
    } catch (error) {
      if (error instanceof StepFailure) throw error
      return false
    }
    if (granted) return true
    await waitWithin(waitMs, rate, deadline, request)
  }
}

/** Takes the next slot of the configuration's schedule, if it comes before the deadline. */
const waitForLocalTurn = async (
  rate: RequestRate,
  deadline: Deadline,
  request: RequestLine,
): Promise<void> => {
  const intervalMs = 60_000 / rate.perMinute
  const key = `${rate.key}:${rate.perMinute}`
  const now = Date.now()
  const slot = Math.max(now, schedules.get(key) ?? now)
  const waitMs = slot - now
  if (waitMs > remainingMs(deadline, now)) throw noTurn(rate, deadline, request)
  schedules.set(key, slot + intervalMs)
  if (waitMs > 0) await waitWithin(waitMs, rate, deadline, request)
}

/** A pause that fails at once when it would outlast the step's deadline. */
const waitWithin = async (
  ms: number,
  rate: RequestRate,
  deadline: Deadline,
  request: RequestLine,
): Promise<void> => {
  if (ms > remainingMs(deadline)) throw noTurn(rate, deadline, request)
  try {
    await sleep(ms, undefined, { signal: deadline.signal })
  } catch {
    throw noTurn(rate, deadline, request)
  }
}

/** No turn for `request` before the deadline: it is not sent. */
const noTurn = (rate: RequestRate, deadline: Deadline, request: RequestLine): StepFailure =>
  new StepFailure({
    kind: 'rate limited',
    perMinute: rate.perMinute,
    request,
    timeoutSeconds: deadline.seconds,
  })
