// The measurements. Each takes the context (servers, base settings, the contenders) and returns
// plain numbers.

import { Agent, request } from 'undici'
import { POOL_OPTIONS } from '../extensions/oauthApi/lib/http/undiciAdapter'
import { clearCaches } from '../extensions/oauthApi/lib/oauth/caches'
import { MAX_CACHED_TOKENS, tokenCache } from '../extensions/oauthApi/lib/oauth/obtainAccessToken'
import { authenticatedApiCall, fetchOAuthToken, type BenchSettings } from './actions'
import { PATIENT_PATH, type Contender, type ContenderKey, type Contenders } from './contenders'
import {
  collectGarbage,
  cpuMicrosSince,
  median,
  now,
  percentile,
  repeated,
  round,
  runPool,
  settle,
  settledHeapUsed,
  shuffled,
  type Repeated,
} from './measure'
import type { BenchServers } from './serverProcess'

export interface Context {
  servers: BenchServers
  settings: BenchSettings
  progress: (message: string) => void
  /** Orders the contenders anew for every round and block (seeded: see --seed). */
  random: () => number
}

const tokenRequestsDuring = async (ctx: Context, work: () => Promise<void>): Promise<number> => {
  const before = await ctx.servers.counts()
  await work()
  const after = await ctx.servers.counts()
  if (after.refusedApiRequests !== before.refusedApiRequests) {
    throw new Error('the API refused a request without a Bearer header')
  }
  return after.tokenRequests - before.tokenRequests
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
  if (call.statusCode !== '200') throw new Error(`the API answered ${call.statusCode}`)
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

type PerContender<T> = Partial<Record<ContenderKey, T>>

/**
 * A figure of each contender over the repetitions, and its ratio to the baseline's figure in the
 * same repetition (same load on the machine): bare undici's, or another contender's.
 */
const summarise = (
  contenders: readonly Contender[],
  perRepetition: Array<PerContender<number>>,
  digits: number,
  baseline: ContenderKey = 'undici',
) => {
  const figures: PerContender<Repeated> = {}
  const toBaseline: PerContender<Repeated> = {}
  const at = (rep: PerContender<number>, key: ContenderKey) => rep[key] ?? Number.NaN
  for (const { key } of contenders) {
    figures[key] = repeated(
      perRepetition.map((rep) => at(rep, key)),
      digits,
    )
    toBaseline[key] = repeated(perRepetition.map((rep) => at(rep, key) / at(rep, baseline)))
  }
  return { figures, ratios: toBaseline }
}

/**
 * Latency of one call. Every round calls each contender once, in a new random order (so that no
 * contender always follows the same one), and lets the event loop settle before each timed call
 * (so that no call pays for the previous one's leftovers). `repetitions` runs of `rounds` rounds
 * after `warmupRounds`; per contender: the median of the repetitions' medians, the p99 over all
 * calls, and the spread of the repetitions. A ratio to bare undici is taken within each
 * repetition (same load on the machine), and the median of those is reported.
 */
export const latency = async (
  ctx: Context,
  contenders: Contenders,
  { rounds = 1500, repetitions = 3, warmupRounds = 300 } = {},
) => {
  const { list } = contenders
  const timeRound = async (samples: Map<Contender, number[]> | undefined) => {
    for (const contender of shuffled(list, ctx.random)) {
      await settle()
      const start = now()
      await contender.call()
      samples?.get(contender)?.push(now() - start)
    }
  }
  for (let round = 0; round < warmupRounds; round++) await timeRound(undefined)

  const medians: Array<PerContender<number>> = []
  const pooled = new Map(list.map((contender) => [contender, [] as number[]]))
  let tokenRequests = 0
  for (let rep = 0; rep < repetitions; rep++) {
    ctx.progress(`  latency: repetition ${rep + 1} of ${repetitions}`)
    const samples = new Map(list.map((contender) => [contender, [] as number[]]))
    collectGarbage()
    tokenRequests += await tokenRequestsDuring(ctx, async () => {
      for (let round = 0; round < rounds; round++) await timeRound(samples)
    })
    const medianUs: PerContender<number> = {}
    for (const [contender, values] of samples) {
      medianUs[contender.key] = median(values) * 1000
      pooled.get(contender)?.push(...values)
    }
    medians.push(medianUs)
  }
  const { figures, ratios: toUndici } = summarise(list, medians, 1)
  const toAxios = summarise(list, medians, 1, 'axios').ratios
  const perContender: PerContender<{
    medianUs: Repeated
    p99Us: number
    toUndici: Repeated
    toAxios: Repeated
  }> = {}
  for (const contender of list) {
    const { key } = contender
    perContender[key] = {
      medianUs: figures[key] as Repeated,
      p99Us: round(percentile(pooled.get(contender) ?? [], 99) * 1000, 1),
      toUndici: toUndici[key] as Repeated,
      toAxios: toAxios[key] as Repeated,
    }
  }
  return { rounds, repetitions, warmupRounds, perContender, tokenRequests }
}

/**
 * Whether the API saw the same request from each contender as from bare undici (method, URL and
 * headers but Host and the connection-management ones, which the HTTP stacks set themselves):
 * the comparison is only fair if the server does the same work for each.
 */
export const sameRequests = async (ctx: Context, contenders: Contenders) => {
  const TRANSPORT_HEADERS = new Set(['host', 'connection', 'keep-alive'])
  const seen = async (contender: Contender): Promise<string[]> => {
    await contender.call()
    const { lastApiRequest } = await ctx.servers.counts()
    return lastApiRequest.filter((line) => !TRANSPORT_HEADERS.has(line.split(':')[0]))
  }
  const undici = contenders.byKey('undici')
  if (undici === undefined) throw new Error('bare undici is the baseline')
  const baseline = await seen(undici)
  const differences: PerContender<string[]> = {}
  for (const contender of contenders.list) {
    if (!contender.sameRequestAsUndici || contender === undici) continue
    const lines = await seen(contender)
    const diff = [
      ...baseline.filter((line) => !lines.includes(line)).map((line) => `- ${line}`),
      ...lines.filter((line) => !baseline.includes(line)).map((line) => `+ ${line}`),
    ]
    if (diff.length > 0) differences[contender.key] = diff
  }
  return {
    same: Object.keys(differences).length === 0,
    request: baseline.map((line) =>
      line.startsWith('authorization:') ? 'authorization: …' : line,
    ),
    differences,
  }
}

/**
 * Completed calls per second with `concurrency` under way at once, for bare undici and the
 * extension's calls. After 3,000 calls of each (both processes' compilers done), each repetition
 * is `rounds` rounds; a round runs a block of each contender, in a new random order per round:
 * `warmupRuns` untimed calls (they pay for what the previous contender left: its garbage, cold
 * caches), a settled event loop, then `runsPerRound` timed calls. A contender's calls/s in a
 * repetition is all its timed calls over all its blocks' time, and its ratio to bare undici is
 * taken within the repetition: short blocks taken in turns see the same load on a shared machine,
 * where one long block each would not (a busy neighbour during one contender's block would decide
 * the ratio). No full collection is forced: after one, the young generation starts small again
 * and the next few thousand calls pay for growing it back — on short blocks bare undici's CPU per
 * call doubled, which flattered the ratio (0.45 where steady state reads 0.33). CPU time is read
 * per block too.
 */
export const throughput = async (
  ctx: Context,
  contenders: Contenders,
  keys: readonly ContenderKey[],
  { rounds = 10, runsPerRound = 1500, concurrency = 50, repetitions = 3, warmupRuns = 300 } = {},
) => {
  const list = keys
    .map((key) => contenders.byKey(key))
    .filter((contender): contender is Contender => contender !== undefined)
  // Both processes warm (the compilers done with the client's and the server's code) first.
  for (const contender of list) await runPool(3000, concurrency, contender.call)
  const perSec: Array<PerContender<number>> = []
  const cpuUs: Array<PerContender<number>> = []
  const latencies = new Map(list.map((contender) => [contender, [] as number[]]))
  for (let rep = 0; rep < repetitions; rep++) {
    ctx.progress(`  throughput: repetition ${rep + 1} of ${repetitions}`)
    const elapsedMs = new Map(list.map((contender) => [contender, 0]))
    const cpuMicros = new Map(list.map((contender) => [contender, 0]))
    for (let round = 0; round < rounds; round++) {
      for (const contender of shuffled(list, ctx.random)) {
        await runPool(warmupRuns, concurrency, contender.call)
        await settle()
        const cpuStart = process.cpuUsage()
        const start = now()
        await runPool(runsPerRound, concurrency, async () => {
          const began = now()
          await contender.call()
          latencies.get(contender)?.push(now() - began)
        })
        elapsedMs.set(contender, (elapsedMs.get(contender) ?? 0) + (now() - start))
        cpuMicros.set(contender, (cpuMicros.get(contender) ?? 0) + cpuMicrosSince(cpuStart))
      }
    }
    const runs = rounds * runsPerRound
    const repPerSec: PerContender<number> = {}
    const repCpu: PerContender<number> = {}
    for (const contender of list) {
      repPerSec[contender.key] = runs / ((elapsedMs.get(contender) ?? 0) / 1000)
      repCpu[contender.key] = (cpuMicros.get(contender) ?? 0) / runs
    }
    perSec.push(repPerSec)
    cpuUs.push(repCpu)
  }
  const calls = summarise(list, perSec, 0)
  const cpu = summarise(list, cpuUs, 1)
  const perContender: PerContender<{
    perSec: Repeated
    toUndici: Repeated
    p50Ms: number
    p99Ms: number
    cpuUsPerCall: Repeated
  }> = {}
  for (const contender of list) {
    const { key } = contender
    const values = latencies.get(contender) ?? []
    perContender[key] = {
      perSec: calls.figures[key] as Repeated,
      toUndici: calls.ratios[key] as Repeated,
      p50Ms: round(median(values), 2),
      p99Ms: round(percentile(values, 99), 2),
      cpuUsPerCall: cpu.figures[key] as Repeated,
    }
  }
  return { rounds, runsPerRound, concurrency, repetitions, perContender }
}

/**
 * CPU time (process.cpuUsage: user + system, all threads, garbage collection included) per call,
 * one call after another: `repetitions` blocks of `calls` calls per contender, in a new random
 * order per repetition, after a full collection; the ratio to bare undici per repetition.
 */
export const cpuPerCall = async (
  ctx: Context,
  contenders: Contenders,
  { calls = 1000, repetitions = 3 } = {},
) => {
  const { list } = contenders
  const perCall: Array<PerContender<number>> = []
  for (let rep = 0; rep < repetitions; rep++) {
    ctx.progress(`  cpu: repetition ${rep + 1} of ${repetitions}`)
    const repCpu: PerContender<number> = {}
    for (const contender of shuffled(list, ctx.random)) {
      for (let i = 0; i < 100; i++) await contender.call()
      collectGarbage()
      const start = process.cpuUsage()
      for (let i = 0; i < calls; i++) await contender.call()
      repCpu[contender.key] = cpuMicrosSince(start) / calls
    }
    perCall.push(repCpu)
  }
  const { figures, ratios: toUndici } = summarise(list, perCall, 1)
  const perContender: PerContender<{ cpuUsPerCall: Repeated; toUndici: Repeated }> = {}
  for (const { key } of list) {
    perContender[key] = {
      cpuUsPerCall: figures[key] as Repeated,
      toUndici: toUndici[key] as Repeated,
    }
  }
  return { calls, repetitions, perContender }
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

/**
 * A FHIR transaction Bundle of about `bytes` of JSON text: Observations with a few codings and
 * a note each, as a bulk upload would send.
 */
const largeBundleText = (bytes: number): string => {
  const entry = (i: number) => ({
    fullUrl: `urn:uuid:00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    resource: {
      resourceType: 'Observation',
      status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }] },
      subject: { reference: 'Patient/pat-0001' },
      effectiveDateTime: '2026-01-01T00:00:00Z',
      valueQuantity: {
        value: 60 + (i % 40),
        unit: 'beats/minute',
        system: 'http://unitsofmeasure.org',
        code: '/min',
      },
      note: [{ text: `Reading ${i} taken at rest, seated, after five minutes.` }],
    },
    request: { method: 'POST', url: 'Observation' },
  })
  const one = JSON.stringify(entry(0)).length + 1
  const count = Math.floor(bytes / one)
  return JSON.stringify({
    resourceType: 'Bundle',
    type: 'transaction',
    entry: Array.from({ length: count }, (_u, i) => entry(i)),
  })
}

/**
 * A 9 MB `fhir+json` POST (a JSON field's text, as Studio hands it over): the extension's
 * one-step call against the naive path — one JSON.parse of the text (to validate it, as any
 * careful client would) and an undici.request of the same text — alternating, after a warm-up.
 * The ratio is taken within each repetition; its median is `largeBodyRatio`.
 */
export const largeBody = async (
  ctx: Context,
  { megabytes = 9, rounds = 8, repetitions = 3, warmupRounds = 2 } = {},
) => {
  const text = largeBundleText(megabytes * 1024 * 1024)
  const token = await fetchOAuthToken({}, ctx.settings)
  const url = `${ctx.settings.apiBaseUrl}/Bundle`
  const agent = new Agent(POOL_OPTIONS)
  const naive = async (): Promise<void> => {
    JSON.parse(text)
    const response = await request(url, {
      dispatcher: agent,
      method: 'POST',
      headers: {
        Accept: 'application/fhir+json',
        Authorization: `Bearer ${String(token.accessToken)}`,
        'Content-Type': 'application/fhir+json',
      },
      body: text,
    })
    await response.body.json()
    if (response.statusCode !== 201) throw new Error(`naive POST: HTTP ${response.statusCode}`)
  }
  const extension = async (): Promise<void> => {
    const fields = { method: 'POST', path: '/Bundle', bodyFormat: 'fhir+json', body: text }
    const dataPoints = await authenticatedApiCall(fields, { ...ctx.settings })
    if (dataPoints.statusCode !== '201') throw new Error(`extension POST: ${dataPoints.statusCode}`)
  }
  try {
    const timeRound = async (samples?: { naive: number[]; extension: number[] }) => {
      for (const [key, call] of shuffled(
        [
          ['naive', naive],
          ['extension', extension],
        ] as const,
        ctx.random,
      )) {
        await settle()
        const start = now()
        await call()
        samples?.[key].push(now() - start)
      }
    }
    for (let round = 0; round < warmupRounds; round++) await timeRound()
    const ratios: number[] = []
    const naiveMs: number[] = []
    const extensionMs: number[] = []
    for (let rep = 0; rep < repetitions; rep++) {
      ctx.progress(`  large body: repetition ${rep + 1} of ${repetitions}`)
      collectGarbage()
      const samples = { naive: [] as number[], extension: [] as number[] }
      for (let round = 0; round < rounds; round++) await timeRound(samples)
      naiveMs.push(median(samples.naive))
      extensionMs.push(median(samples.extension))
      ratios.push(median(samples.extension) / median(samples.naive))
    }
    return {
      bodyBytes: Buffer.byteLength(text),
      rounds,
      repetitions,
      naiveMs: repeated(naiveMs),
      extensionMs: repeated(extensionMs),
      ratio: repeated(ratios),
    }
  } finally {
    await agent.close()
  }
}
