/**
 * How many runs a fuzz property gets. `npm test` runs a tenth of the full counts (each run of it
 * draws new cases: fast-check seeds every run afresh); `npm run test:deep`, which CI runs after
 * `npm test`, sets FUZZ_SCALE=1 for the full counts. FUZZ_SCALE may be any positive factor (e.g.
 * 10 for a long hunt); a property never gets fewer than 100 runs, nor fewer than its full count
 * when that is smaller.
 */
const DEFAULT_SCALE = 0.1
const MIN_RUNS = 100

const scale = (): number => {
  const raw = process.env.FUZZ_SCALE
  if (raw === undefined || raw.trim() === '') return DEFAULT_SCALE
  const value = Number(raw)
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(`FUZZ_SCALE must be a positive number, got "${raw}"`)
  }
  return value
}

/** The number of runs for a property whose full count is `full`. */
export const fuzzRuns = (full: number): number =>
  Math.max(Math.min(full, MIN_RUNS), Math.round(full * scale()))
