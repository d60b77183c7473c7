import { linkHeaderNext, mergePages } from './paging'

describe('linkHeaderNext (RFC 8288 §3)', () => {
  it.each([
    ['<https://ex.com/p?page=2>; rel="next"', 'https://ex.com/p?page=2'],
    ['<https://ex.com/p?page=2>; rel=next', 'https://ex.com/p?page=2'],
    ['<https://ex.com/p?page=2>; REL="Next"', 'https://ex.com/p?page=2'],
    ['</p?page=1>; rel="first", </p?page=3>; rel="next"', '/p?page=3'],
    ['</last>; rel="last next"', '/last'],
    ['</a>; title="x, rel=next"; rel="prev", </b>; rel="next"', '/b'],
    ['</a>;rel="next";type="application/json"', '/a'],
  ])('%s → %s', (header, expected) => {
    expect(linkHeaderNext(header)).toBe(expected)
  })

  it.each([
    undefined,
    '',
    '</a>; rel="prev"',
    '</a>; rel="nextpage"',
    '</a>; title="rel=next"',
    'https://ex.com/p; rel="next"',
  ])('finds no next link in %j', (header) => {
    expect(linkHeaderNext(header)).toBeUndefined()
  })
})

describe('mergePages', () => {
  it('keeps a single page as it is', () => {
    expect(mergePages(['x'])).toBe('x')
  })

  it('merges Bundles without a self link and without entries on some pages', () => {
    expect(
      mergePages([
        {
          resourceType: 'Bundle',
          type: 'searchset',
          total: 1,
          link: [{ relation: 'next', url: 'x' }],
        },
        { resourceType: 'Bundle', type: 'searchset', entry: [{ id: 1 }] },
      ]),
    ).toEqual({ resourceType: 'Bundle', type: 'searchset', total: 1, entry: [{ id: 1 }] })
  })

  it('lists mixed pages as they are', () => {
    expect(mergePages([[1], { resourceType: 'Bundle' }])).toEqual([[1], { resourceType: 'Bundle' }])
  })
})
