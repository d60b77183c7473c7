import { ExpiringLruCache } from './ExpiringLruCache'

describe('ExpiringLruCache', () => {
  it('stays bounded, evicting the least recently used entry', () => {
    const cache = new ExpiringLruCache<string>(2)
    const later = Date.now() + 60_000
    cache.set('a', 'A', later)
    cache.set('b', 'B', later)
    expect(cache.get('a')).toBe('A') // a is now the most recently used
    cache.set('c', 'C', later)
    expect(cache.size).toBe(2)
    expect(cache.get('b')).toBeUndefined()
    expect(cache.get('a')).toBe('A')
    expect(cache.get('c')).toBe('C')
  })

  it('does not hand out an entry past its freshness', () => {
    const cache = new ExpiringLruCache<string>(5)
    cache.set('a', 'A', Date.now() + 1000)
    expect(cache.get('a', Date.now() + 999)).toBe('A')
    expect(cache.get('a', Date.now() + 1001)).toBeUndefined()
    expect(cache.size).toBe(0)
  })

  it('shares one load between concurrent callers and does not keep failures', async () => {
    const cache = new ExpiringLruCache<number>(5)
    let loads = 0
    const load = async () => {
      loads++
      await new Promise((resolve) => setTimeout(resolve, 10))
      return { value: loads, freshUntilMs: Date.now() + 60_000 }
    }
    const results = await Promise.all([1, 2, 3].map(() => cache.getOrLoad('k', load)))
    expect(loads).toBe(1)
    expect(results.map((result) => result.source)).toEqual(['loaded', 'shared', 'shared'])
    expect((await cache.getOrLoad('k', load)).source).toBe('cache')

    const failing = () => Promise.reject(new Error('down'))
    await expect(cache.getOrLoad('f', failing)).rejects.toThrow('down')
    expect((await cache.getOrLoad('f', load)).source).toBe('loaded')
  })

  it('removes an entry only while it still holds the refused value', () => {
    const cache = new ExpiringLruCache<string>(5)
    cache.set('k', 'new', Date.now() + 60_000)
    cache.deleteIfSame('k', (value) => value === 'old')
    expect(cache.get('k')).toBe('new')
    cache.deleteIfSame('k', (value) => value === 'new')
    expect(cache.get('k')).toBeUndefined()
  })
})
