/** Where a value came from: the cache, a load of this call's, or a load another caller started. */
export type CacheSource = 'cache' | 'loaded' | 'shared'

/**
 * A bounded map whose entries are fresh until a given time, with single-flight loading: while a
 * value for a key is being loaded, every other caller for that key waits for the same load.
 * Failed loads are not cached. Least recently used entries leave first.
 */
export class ExpiringLruCache<V> {
  private readonly entries = new Map<string, { value: V; freshUntilMs: number }>()
  private readonly inFlight = new Map<string, Promise<V>>()

  constructor(private readonly maxEntries: number) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1)
      throw new RangeError('maxEntries must be ≥ 1')
  }

  get size(): number {
    return this.entries.size
  }

  /** The fresh value for a key, marking it as recently used. */
  get(key: string, now = Date.now()): V | undefined {
    const entry = this.entries.get(key)
    if (entry === undefined) return undefined
    if (entry.freshUntilMs <= now) {
      this.entries.delete(key)
      return undefined
    }
    this.entries.delete(key)
    this.entries.set(key, entry)
    return entry.value
  }

  set(key: string, value: V, freshUntilMs: number): void {
    this.entries.delete(key)
    this.entries.set(key, { value, freshUntilMs })
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string
      this.entries.delete(oldest)
    }
  }

  /** Removes the entry for a key, but only if it still holds this value. */
  deleteIfSame(key: string, isSame: (value: V) => boolean): void {
    const entry = this.entries.get(key)
    if (entry !== undefined && isSame(entry.value)) this.entries.delete(key)
  }

  clear(): void {
    this.entries.clear()
  }

  /**
   * The fresh cached value, or the result of one shared `load` (which says until when its value
   * is fresh). With `bypassCache` a new load is started unless one is already under way.
   */
  async getOrLoad(
    key: string,
    load: () => Promise<{ value: V; freshUntilMs: number }>,
    bypassCache = false,
  ): Promise<{ value: V; source: CacheSource }> {
    if (!bypassCache) {
      const cached = this.get(key)
      if (cached !== undefined) return { value: cached, source: 'cache' }
    }
    const pending = this.inFlight.get(key)
    if (pending !== undefined) return { value: await pending, source: 'shared' }
    const loading = load().then(({ value, freshUntilMs }) => {
      if (freshUntilMs > Date.now()) this.set(key, value, freshUntilMs)
      return value
    })
    this.inFlight.set(key, loading)
    try {
      return { value: await loading, source: 'loaded' }
    } finally {
      this.inFlight.delete(key)
    }
  }
}
