// Small measuring tools: timing, medians, a concurrency pool and heap readings.

import { performance } from 'node:perf_hooks'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

export const now = (): number => performance.now()

export const median = (values: number[]): number => percentile(values, 50)

/** Nearest-rank percentile of unsorted values. */
export const percentile = (values: number[], p: number): number => {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]
}

export const round = (value: number, digits = 2): number => {
  const factor = 10 ** digits
  return Math.round(value * factor) / factor
}

/** Runs task(0..count-1) with at most `concurrency` of them under way at once. */
export const runPool = async (
  count: number,
  concurrency: number,
  task: (index: number) => Promise<unknown>,
): Promise<void> => {
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = next++
      await task(index)
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker))
}

/**
 * global.gc from --expose-gc (npm run bench passes it); without the flag (e.g. a plain
 * `node --cpu-prof -r ts-node/register/transpile-only bench/main.ts`) it is switched on here.
 */
const gc: () => void =
  (globalThis as { gc?: () => void }).gc ??
  (() => {
    setFlagsFromString('--expose-gc')
    return runInNewContext('gc') as () => void
  })()

/** heapUsed in bytes after full collections (twice, so that finalizers' garbage goes too). */
export const settledHeapUsed = async (): Promise<number> => {
  for (let i = 0; i < 3; i++) {
    gc()
    await nextTurn()
  }
  gc()
  return process.memoryUsage().heapUsed
}
