// The benchmark's result: targets, environment and the table.

import { cpus, loadavg, platform, release } from 'node:os'
import type {
  heapGrowth,
  overhead,
  singleFlight,
  throughput,
  tokenRequestsPerMode,
} from './scenarios'

export interface Results {
  tokenRequestsNaive: number
  tokenRequestsCached: number
  singleFlightTokenRequests: number
  overheadRatio: number
  throughputPerSec: number
  heapGrowthMB: number
}

export const targets = {
  tokenRequestsCached: 1,
  singleFlightTokenRequests: 1,
  overheadRatio: 1.15,
  heapGrowthMB: 20,
} as const

export type TargetsMet = Record<keyof typeof targets, boolean>

export const targetsMet = (results: Results): TargetsMet => ({
  tokenRequestsCached: results.tokenRequestsCached === targets.tokenRequestsCached,
  singleFlightTokenRequests:
    results.singleFlightTokenRequests === targets.singleFlightTokenRequests,
  overheadRatio: results.overheadRatio <= targets.overheadRatio,
  heapGrowthMB: results.heapGrowthMB <= targets.heapGrowthMB,
})

/** 1-minute load average: other processes on the machine skew every timing. */
export const loadAverage = (): number => Math.round(loadavg()[0] * 100) / 100

export const environment = (loadAtStart: number) => ({
  node: process.version,
  platform: `${platform()} ${release()}`,
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? 'unknown',
  loadAverage1m: { atStart: loadAtStart, atEnd: loadAverage() },
  date: new Date().toISOString(),
})

export type Environment = ReturnType<typeof environment>

export interface Details {
  tokens: Awaited<ReturnType<typeof tokenRequestsPerMode>>
  singleFlight: Awaited<ReturnType<typeof singleFlight>>
  overhead: Awaited<ReturnType<typeof overhead>>
  throughput: Record<'oneStep' | 'twoStep', Awaited<ReturnType<typeof throughput>>>
  heap: Awaited<ReturnType<typeof heapGrowth>>
}

interface Row {
  metric: string
  value: string
  /** The target, or a note. */
  target: string
  /** Set for rows with a target: marked ✓ or ✗. */
  met?: boolean
}

export const resultTable = (
  results: Results,
  met: TargetsMet,
  details: Details,
  env: Environment,
): string => {
  const { overhead: over, throughput: through, heap } = details
  const us = (value: number) => `${value} µs`
  const rows: Row[] = [
    {
      metric: 'Token requests, 1,000 care-flow runs, forceRefresh',
      value: String(results.tokenRequestsNaive),
      target: '(the old way: one per run)',
    },
    {
      metric: 'Token requests, 1,000 care-flow runs, cached',
      value: String(results.tokenRequestsCached),
      target: `= ${targets.tokenRequestsCached}`,
      met: met.tokenRequestsCached,
    },
    {
      metric: 'Token requests, 500 concurrent runs, cold cache',
      value: String(results.singleFlightTokenRequests),
      target: `= ${targets.singleFlightTokenRequests}`,
      met: met.singleFlightTokenRequests,
    },
    {
      metric: 'Overhead ratio (worse of one-step, two-step)',
      value: results.overheadRatio.toFixed(3),
      target: `≤ ${targets.overheadRatio}`,
      met: met.overheadRatio,
    },
    {
      metric: '  median bare axios GET',
      value: us(over.bare.medianUs),
      target: `${over.callsEach} calls each`,
    },
    {
      metric: '  median one-step call (cached token)',
      value: us(over.oneStep.medianUs),
      target: `ratio ${over.oneStepRatio.toFixed(3)}`,
    },
    {
      metric: '  median two-step call (token handed in)',
      value: us(over.twoStep.medianUs),
      target: `ratio ${over.twoStepRatio.toFixed(3)}`,
    },
    {
      metric: '  same request headers on the wire',
      value: over.sameRequestHeaders ? 'yes' : 'NO',
      target: over.requestHeaderNames.join(', '),
    },
    {
      metric: 'Throughput, concurrency 50, one-step (runs/s)',
      value: String(results.throughputPerSec),
      target: `p50 ${through.oneStep.p50Ms} ms, p99 ${through.oneStep.p99Ms} ms`,
    },
    {
      metric: 'Throughput, concurrency 50, two-step (runs/s)',
      value: String(through.twoStep.perSec),
      target: `p50 ${through.twoStep.p50Ms} ms, p99 ${through.twoStep.p99Ms} ms`,
    },
    {
      metric: 'Heap growth, 100,000 runs over 1,000 clients (MB)',
      value: results.heapGrowthMB.toFixed(2),
      target: `≤ ${targets.heapGrowthMB}`,
      met: met.heapGrowthMB,
    },
    {
      metric: '  of which in the second 50,000 runs (MB)',
      value: heap.secondHalfGrowthMB.toFixed(2),
      target: `${heap.runsPerSec} runs/s`,
    },
    {
      metric: '  token requests / tokens cached at the end',
      value: `${heap.tokenRequests} / ${heap.cachedTokens}`,
      target: `cache bound ${heap.maxCachedTokens}`,
    },
  ]
  const load = env.loadAverage1m
  return [
    table(rows),
    '',
    `Node ${env.node}, ${env.cpus} × ${env.cpuModel}, ${env.platform}, load ${load.atStart} → ${load.atEnd}, ${env.date}`,
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
      row.target,
    ]),
  ]
  const widths = [0, 1].map((column) => Math.max(...cells.map((cell) => cell[column].length)))
  const line = (cell: string[]) =>
    [cell[0].padEnd(widths[0]), cell[1].padStart(widths[1]), cell[2], cell[3]].join('  ').trimEnd()
  const rule = '-'.repeat(Math.max(...cells.map((cell) => line(cell).length)))
  return [line(cells[0]), rule, ...cells.slice(1).map(line)].join('\n')
}
