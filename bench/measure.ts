// Small measuring tools: timing, percentiles, a seeded shuffle, a settled event loop, a
// concurrency pool, CPU time and heap readings.

import { performance } from 'node:perf_hooks'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

export const now = (): number => performance.now()

export const median = (values: readonly number[]): number => percentile(values, 50)

/** Nearest-rank percentile of unsorted values. */
export const percentile = (values: readonly number[], p: number): number => {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]
}

export const round = (value: number, digits = 2): number => {
  const factor = 10 ** digits
  return Math.round(value * factor) / factor
}

/** The median of a few repetitions' figures, and how far apart they were. */
export interface Repeated {
  median: number
  min: number
  max: number
  /** (max − min) ÷ median, in percent. */
  spreadPct: number
  each: number[]
}

export const repeated = (values: readonly number[], digits = 3): Repeated => {
  const middle = median(values)
  const min = Math.min(...values)
  const max = Math.max(...values)
  return {
    median: round(middle, digits),
    min: round(min, digits),
    max: round(max, digits),
    spreadPct: round(((max - min) / middle) * 100, 1),
    each: values.map((value) => round(value, digits)),
  }
}

/**
 * mulberry32: a small seeded generator, so that a run's call order can be reproduced from the
 * seed it reports (`--seed`).
 */
export const seededRandom = (seed: number): (() => number) => {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Fisher–Yates: a new random order of `items`. */
export const shuffled = <T>(items: readonly T[], random: () => number): T[] => {
  const order = [...items]
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[order[i], order[j]] = [order[j], order[i]]
  }
  return order
}

/**
 * Lets the event loop run what the previous call left behind (socket reads, pool bookkeeping,
 * resolved promises) before the next timed call starts, so that a call is not charged for the
 * one before it.
 */
export const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

/** CPU time (user + system) of this process, in µs, since an earlier reading. */
export const cpuMicrosSince = (start: NodeJS.CpuUsage): number => {
  const { user, system } = process.cpuUsage(start)
  return user + system
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

/** A full collection before a timed phase, so that one phase's garbage is not collected in the next. */
export const collectGarbage = (): void => gc()
