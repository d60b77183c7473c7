// The measurements. Each takes the servers and the base settings and returns plain numbers.

import axios from 'axios'
import { clearCaches } from '../extensions/oauthApi/lib/oauth/caches'
import { MAX_CACHED_TOKENS, tokenCache } from '../extensions/oauthApi/lib/oauth/obtainAccessToken'
import { authenticatedApiCall, fetchOAuthToken, type BenchSettings } from './actions'
import { median, now, percentile, round, runPool, settledHeapUsed } from './measure'
import type { BenchServers } from './serverProcess'

export interface Context {
  servers: BenchServers
  settings: BenchSettings
  progress: (message: string) => void
}

const PATIENT_PATH = '/Patient/pat-0001'

const tokenRequestsDuring = async (ctx: Context, work: () => Promise<void>): Promise<number> => {
  const before = await ctx.servers.counts()
  await work()
  const after = await ctx.servers.counts()
  if (after.refusedApiRequests !== before.refusedApiRequests) {
    throw new Error('the API refused a request without a Bearer header')
  }
  return after.tokenRequests - before.tokenRequests
}

const expectStatus200 = (statusCode: string | null | undefined): void => {
  if (statusCode !== '200') throw new Error(`the API answered ${statusCode}, expected 200`)
}

/**
 * One care-flow run: "Fetch OAuth token", then "Authenticated API call" with the token (and its
 * expiresAt) from the first step's data points.
 */
const careFlowRun = async (settings: BenchSettings, forceRefresh: boolean): Promise<void> => {
  const token = await fetchOAuthToken({ forceRefresh }, settings)
  const call = await authenticatedApiCall(
    { accessToken: token.accessToken, tokenExpiresAt: token.expiresAt, path: PATIENT_PATH },
    settings,
  )
  expectStatus200(call.statusCode)
}

/**
 * Token requests for 1,000 care-flow runs within one token lifetime (run one after another, as
 * separate care flows would over time): with forceRefresh (a new token per run, like the old
 * two-generic-calls method) and with the cache.
 */
export const tokenRequestsPerMode = async (ctx: Context, runs = 1000) => {
  const count = (forceRefresh: boolean) =>
    tokenRequestsDuring(ctx, async () => {
      clearCaches()
      for (let i = 0; i < runs; i++) await careFlowRun(ctx.settings, forceRefresh)
    })
  const naive = await count(true)
  const cached = await count(false)
  return { runs, naive, cached }
}

/** Token requests when `runs` fetchOAuthToken runs start at once on a cold cache. */
export const singleFlight = async (ctx: Context, runs = 500) => {
  let distinctTokens = 0
  const requests = await tokenRequestsDuring(ctx, async () => {
    clearCaches()
    const results = await Promise.all(
      Array.from({ length: runs }, () => fetchOAuthToken({}, ctx.settings)),
    )
    distinctTokens = new Set(results.map((dataPoints) => dataPoints.accessToken)).size
  })
  return { runs, requests, distinctTokens }
}

/**
 * Median latency of authenticatedApiCall (one-step: token from the cache; two-step: token handed
 * in) against a bare axios GET with the same Bearer and Accept headers to the same URL, all three
 * on the default (keep-alive) http agent, alternated call by call with a rotating order so that
 * no variant always goes first. The ratio reported is the worse of the two modes.
 */
export const overhead = async (ctx: Context, rounds = 3000, warmupRounds = 600) => {
  clearCaches()
  const token = await fetchOAuthToken({}, ctx.settings)
  const accessToken = token.accessToken as string
  const url = `${ctx.settings.apiBaseUrl}${PATIENT_PATH}`
  const headers = { Accept: 'application/json', Authorization: `Bearer ${accessToken}` }

  const variants: Array<() => Promise<void>> = [
    async () => {
      const response = await axios.get(url, { headers })
      expectStatus200(String(response.status))
    },
    async () => {
      const call = await authenticatedApiCall({ path: PATIENT_PATH }, ctx.settings)
      expectStatus200(call.statusCode)
    },
    async () => {
      const call = await authenticatedApiCall(
        { accessToken, tokenExpiresAt: token.expiresAt, path: PATIENT_PATH },
        ctx.settings,
      )
      expectStatus200(call.statusCode)
    },
  ]
  const samples: number[][] = variants.map(() => [])
  let tokenRequests = 0
  for (const [phase, count] of [
    ['warm-up', warmupRounds],
    ['measure', rounds],
  ] as const) {
    tokenRequests = await tokenRequestsDuring(ctx, async () => {
      for (let round = 0; round < count; round++) {
        for (let k = 0; k < variants.length; k++) {
          const v = (round + k) % variants.length
          const start = now()
          await variants[v]()
          if (phase === 'measure') samples[v].push(now() - start)
        }
      }
    })
  }
  // Fairness check: the server saw the same request headers from each variant.
  const seen: string[][] = []
  for (const variant of variants) {
    await variant()
    seen.push((await ctx.servers.counts()).lastApiRequestHeaders)
  }
  const sameRequestHeaders = seen.every((lines) => lines.join('\n') === seen[0].join('\n'))
  const requestHeaderNames = seen[0].map((line) => line.slice(0, line.indexOf(':'))).sort()

  const [bare, oneStep, twoStep] = samples.map((values) => ({
    medianUs: round(median(values) * 1000, 1),
    p90Us: round(percentile(values, 90) * 1000, 1),
    p99Us: round(percentile(values, 99) * 1000, 1),
  }))
  const oneStepRatio = round(oneStep.medianUs / bare.medianUs, 3)
  const twoStepRatio = round(twoStep.medianUs / bare.medianUs, 3)
  return {
    callsEach: rounds,
    bare,
    oneStep,
    twoStep,
    oneStepRatio,
    twoStepRatio,
    ratio: Math.max(oneStepRatio, twoStepRatio),
    tokenRequests,
    sameRequestHeaders,
    requestHeaderNames,
  }
}

/** Completed authenticatedApiCall runs per second with `concurrency` runs under way at once. */
export const throughput = async (
  ctx: Context,
  mode: 'one-step' | 'two-step',
  runs = 5000,
  concurrency = 50,
) => {
  clearCaches()
  const token = await fetchOAuthToken({}, ctx.settings)
  const fields =
    mode === 'one-step'
      ? { path: PATIENT_PATH }
      : { accessToken: token.accessToken, tokenExpiresAt: token.expiresAt, path: PATIENT_PATH }
  const run = async () =>
    expectStatus200((await authenticatedApiCall(fields, ctx.settings)).statusCode)
  await runPool(500, concurrency, run)
  const latencies: number[] = []
  const start = now()
  await runPool(runs, concurrency, async () => {
    const began = now()
    await run()
    latencies.push(now() - began)
  })
  const seconds = (now() - start) / 1000
  return {
    runs,
    concurrency,
    perSec: Math.round(runs / seconds),
    p50Ms: round(median(latencies), 2),
    p99Ms: round(percentile(latencies, 99), 2),
  }
}

/**
 * Heap growth over `runs` fetchOAuthToken runs spread over `clients` distinct client ids (so as
 * many token cache keys; the cache keeps at most MAX_CACHED_TOKENS). Run r uses client
 * floor(r / runsPerClient): each client's first run requests a token and the rest reuse it, and
 * the cache fills up and then evicts. Runs go in concurrent batches. The heap is read after full
 * collections before, halfway and at the end: with a bounded cache the second half adds nothing.
 */
export const heapGrowth = async (ctx: Context, runs = 100_000, clients = 1000, batch = 1000) => {
  const runsPerClient = runs / clients
  const settingsFor = (client: number): BenchSettings => ({
    ...ctx.settings,
    clientId: `bench-client-${String(client).padStart(4, '0')}`,
  })
  const allSettings = Array.from({ length: clients }, (_, client) => settingsFor(client))
  const runBatches = async (from: number, to: number) => {
    for (let first = from; first < to; first += batch) {
      const last = Math.min(to, first + batch)
      await Promise.all(
        Array.from({ length: last - first }, (_, i) =>
          fetchOAuthToken({}, allSettings[Math.floor((first + i) / runsPerClient)]),
        ),
      )
    }
  }

  clearCaches()
  const before = await settledHeapUsed()
  let middle = 0
  const start = now()
  const tokenRequests = await tokenRequestsDuring(ctx, async () => {
    await runBatches(0, runs / 2)
    middle = await settledHeapUsed()
    ctx.progress(`  heap: ${runs / 2} runs done`)
    await runBatches(runs / 2, runs)
  })
  const seconds = (now() - start) / 1000
  const after = await settledHeapUsed()
  const mb = (bytes: number) => round(bytes / (1024 * 1024), 2)
  return {
    runs,
    clients,
    tokenRequests,
    cachedTokens: tokenCache.size,
    maxCachedTokens: MAX_CACHED_TOKENS,
    beforeMB: mb(before),
    afterMB: mb(after),
    growthMB: mb(after - before),
    secondHalfGrowthMB: mb(after - middle),
    runsPerSec: Math.round(runs / seconds),
  }
}
