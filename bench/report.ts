// The benchmark's result: its figures and targets, the environment and the table.

import { cpus, loadavg, platform, release } from 'node:os'
import type { ContenderKey } from './contenders'
import type { Repeated } from './measure'
import type {
  cpuPerCall,
  heapGrowth,
  largeBody,
  latency,
  sameRequests,
  singleFlight,
  throughput,
  tokenRequestsPerMode,
} from './scenarios'

/** The headline figures (the JSON object's top-level keys); a scenario left out leaves its keys out. */
export interface Results {
  tokenRequestsNaive?: number
  tokenRequestsCached?: number
  singleFlightTokenRequests?: number
  /** One-step median ÷ bare axios median (median of the repetitions' ratios). */
  overheadRatio?: number
  /** One-step median ÷ bare undici median. */
  ratioToUndici?: number
  twoStepRatioToUndici?: number
  /** Only once the GraphQL action is in the registry. */
  graphqlRatioToUndici?: number
  /** One-step calls per second at concurrency 50. */
  throughputPerSec?: number
  /** One-step calls/s ÷ bare undici calls/s at concurrency 50. */
  throughputRatioToUndici?: number
  /** CPU µs per one-step call, one call after another. */
  cpuUsPerCall?: number
  cpuRatioToUndici?: number
  heapGrowthMB?: number
  /** A 9 MB fhir+json POST: extension median ÷ (JSON.parse + undici.request) median. */
  largeBodyRatio?: number
}

type Target = { equals: number } | { atMost: number } | { atLeast: number }

export const targets = {
  tokenRequestsCached: { equals: 1 },
  singleFlightTokenRequests: { equals: 1 },
  ratioToUndici: { atMost: 1.75 },
  twoStepRatioToUndici: { atMost: 1.8 },
  throughputRatioToUndici: { atLeast: 0.35 },
  cpuRatioToUndici: { atMost: 3 },
  heapGrowthMB: { atMost: 20 },
  largeBodyRatio: { atMost: 2 },
} as const satisfies Partial<Record<keyof Results, Target>>

type TargetKey = keyof typeof targets
export type TargetsMet = Partial<Record<TargetKey, boolean>>

const meets = (value: number, target: Target): boolean =>
  'equals' in target
    ? value === target.equals
    : 'atMost' in target
      ? value <= target.atMost
      : value >= target.atLeast

const targetText = (target: Target): string =>
  'equals' in target
    ? `= ${target.equals}`
    : 'atMost' in target
      ? `≤ ${target.atMost}`
      : `≥ ${target.atLeast}`

/** Met or not, for each target whose figure was measured. */
export const targetsMet = (results: Results): TargetsMet => {
  const met: TargetsMet = {}
  for (const [key, target] of Object.entries(targets) as Array<[TargetKey, Target]>) {
    const value = results[key]
    if (value !== undefined) met[key] = meets(value, target)
  }
  return met
}

/** 1-minute load average: other processes on the machine skew every timing. */
export const loadAverage = (): number => Math.round(loadavg()[0] * 100) / 100

export const environment = (loadAtStart: number, seed: number) => ({
  node: process.version,
  platform: `${platform()} ${release()}`,
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? 'unknown',
  loadAverage1m: { atStart: loadAtStart, atEnd: loadAverage() },
  seed,
  date: new Date().toISOString(),
})

export type Environment = ReturnType<typeof environment>

export interface Details {
  contenders: Partial<Record<ContenderKey, string>>
  /** Contenders whose action exists but whose warm-up call failed, with the reason. */
  leftOut: Partial<Record<ContenderKey, string>>
  tokens?: Awaited<ReturnType<typeof tokenRequestsPerMode>>
  singleFlight?: Awaited<ReturnType<typeof singleFlight>>
  latency?: Awaited<ReturnType<typeof latency>>
  sameRequests?: Awaited<ReturnType<typeof sameRequests>>
  throughput?: Awaited<ReturnType<typeof throughput>>
  cpu?: Awaited<ReturnType<typeof cpuPerCall>>
  heap?: Awaited<ReturnType<typeof heapGrowth>>
  largeBody?: Awaited<ReturnType<typeof largeBody>>
}

interface Row {
  metric: string
  value: string
  /** The target, or a note. */
  note: string
  /** Set for rows with a target: marked ✓ or ✗. */
  met?: boolean
}

const spread = (figure: Repeated, unit = ''): string =>
  `${figure.min}–${figure.max}${unit} over ${figure.each.length} (±${(figure.spreadPct / 2).toFixed(1)}%)`

/** A headline row: the figure, ✓/✗ against its target, and a note. */
const headline = (
  results: Results,
  met: TargetsMet,
  key: keyof Results,
  metric: string,
  note = '',
): Row[] => {
  const value = results[key]
  if (value === undefined) return []
  const target = (targets as Partial<Record<keyof Results, Target>>)[key]
  return [
    {
      metric: `${metric} — ${key}`,
      value: String(value),
      note: [target !== undefined ? targetText(target) : '', note].filter(Boolean).join('  '),
      met: met[key as TargetKey],
    },
  ]
}

const contenderRows = (details: Details): Row[] => {
  const rows: Row[] = []
  const { latency: lat, throughput: through, cpu } = details
  for (const [key, label] of Object.entries(details.contenders) as Array<[ContenderKey, string]>) {
    const l = lat?.perContender[key]
    const t = through?.perContender[key]
    const c = cpu?.perContender[key]
    if (l === undefined && t === undefined && c === undefined) continue
    rows.push({ metric: label, value: '', note: '' })
    if (l !== undefined) {
      rows.push({
        metric: '  median latency, µs (p99)',
        value: `${l.medianUs.median} (${l.p99Us})`,
        note: `× undici ${l.toUndici.median}; medians ${spread(l.medianUs, ' µs')}`,
      })
    }
    if (t !== undefined) {
      rows.push({
        metric: `  calls/s at concurrency ${through?.concurrency}`,
        value: String(t.perSec.median),
        note: `× undici ${t.toUndici.median}; ${spread(t.perSec)}; p50 ${t.p50Ms} ms, p99 ${t.p99Ms} ms; CPU ${t.cpuUsPerCall.median} µs/call`,
      })
    }
    if (c !== undefined) {
      rows.push({
        metric: '  CPU µs per call, one after another',
        value: String(c.cpuUsPerCall.median),
        note: `× undici ${c.toUndici.median}; ${spread(c.cpuUsPerCall, ' µs')}`,
      })
    }
  }
  return rows
}

export const resultTable = (
  results: Results,
  met: TargetsMet,
  details: Details,
  env: Environment,
): string => {
  const { heap, sameRequests: wire } = details
  const rows: Row[] = [
    ...headline(
      results,
      met,
      'tokenRequestsNaive',
      'Token requests, 1,000 care-flow runs, forceRefresh',
      '(the old way: one per run)',
    ),
    ...headline(results, met, 'tokenRequestsCached', 'Token requests, 1,000 runs, cached'),
    ...headline(
      results,
      met,
      'singleFlightTokenRequests',
      'Token requests, 500 concurrent runs, cold cache',
    ),
    ...headline(results, met, 'ratioToUndici', 'One-step median ÷ bare undici'),
    ...headline(results, met, 'twoStepRatioToUndici', 'Two-step median ÷ bare undici'),
    ...headline(results, met, 'graphqlRatioToUndici', 'GraphQL median ÷ bare undici'),
    ...headline(results, met, 'overheadRatio', 'One-step median ÷ bare axios'),
    ...headline(results, met, 'throughputPerSec', 'One-step calls/s, concurrency 50'),
    ...headline(results, met, 'throughputRatioToUndici', '  ÷ bare undici calls/s'),
    ...headline(results, met, 'cpuUsPerCall', 'CPU µs per one-step call'),
    ...headline(results, met, 'cpuRatioToUndici', '  ÷ bare undici CPU µs per call'),
    ...headline(results, met, 'heapGrowthMB', 'Heap growth, 100,000 runs, 1,000 clients (MB)'),
    ...headline(
      results,
      met,
      'largeBodyRatio',
      '9 MB fhir+json POST ÷ (JSON.parse + undici.request)',
      details.largeBody !== undefined
        ? `${details.largeBody.extensionMs.median} ms vs ${details.largeBody.naiveMs.median} ms`
        : '',
    ),
  ]
  if (heap !== undefined) {
    rows.push({
      metric: '  of which in the second 50,000 runs (MB)',
      value: heap.secondHalfGrowthMB.toFixed(2),
      note: `${heap.runsPerSec} runs/s; ${heap.tokenRequests} token requests; ${heap.cachedTokens} cached (bound ${heap.maxCachedTokens})`,
    })
  }
  if (wire !== undefined) {
    rows.push({
      metric: 'Same request as bare undici on the wire',
      value: wire.same ? 'yes' : 'NO',
      note: wire.same ? wire.request.join(' | ') : JSON.stringify(wire.differences).slice(0, 300),
    })
  }
  rows.push(...contenderRows(details))
  for (const [key, reason] of Object.entries(details.leftOut)) {
    rows.push({ metric: `${key} left out`, value: '', note: reason })
  }
  const load = env.loadAverage1m
  return [
    table(rows),
    '',
    `Node ${env.node}, ${env.cpus} × ${env.cpuModel}, ${env.platform}, load ${load.atStart} → ${load.atEnd}, seed ${env.seed}, ${env.date}`,
  ].join('\n')
}

/** A plain-text table: metric, value, ✓ or ✗ for rows with a target, then target or note. */
const table = (rows: Row[]): string => {
  const cells = [
    ['Metric', 'Value', ' ', 'Target / note'],
    ...rows.map((row) => [
      row.metric,
      row.value,
      row.met === undefined ? ' ' : row.met ? '✓' : '✗',
      row.note,
    ]),
  ]
  const widths = [0, 1].map((column) => Math.max(...cells.map((cell) => cell[column].length)))
  const line = (cell: string[]) =>
    [cell[0].padEnd(widths[0]), cell[1].padStart(widths[1]), cell[2], cell[3]].join('  ').trimEnd()
  const rule = '-'.repeat(Math.max(...cells.map((cell) => line(cell).length)))
  return [line(cells[0]), rule, ...cells.slice(1).map(line)].join('\n')
}
