import { apiAccess } from './apiAccess'
import { apiHeaders } from './apiHeaders'
import {
  BEARER_PLACEMENT,
  placeToken,
  reportedUrl,
  tokenHeader,
  tokenPlacement,
  tokenQueryParameter,
} from './tokenPlacement'

describe('tokenHeader: a header line template with {token}', () => {
  it('is Authorization: Bearer by default', () => {
    expect(tokenHeader(undefined)).toBe(BEARER_PLACEMENT)
    expect(tokenHeader('Authorization: Bearer {token}')).toBe(BEARER_PLACEMENT)
    expect(tokenHeader('authorization: Bearer {token}')).toMatchObject({ isDefault: true })
  })

  it('takes vendor templates', () => {
    const freshsales = tokenHeader('Authorization: Token token={token}')
    expect(freshsales).toMatchObject({
      name: 'Authorization',
      prefix: 'Token token=',
      isDefault: false,
    })
    expect(placeToken(freshsales, new URL('https://x.test/a'), {}, 'T1').headers).toEqual({
      Authorization: 'Token token=T1',
    })
    expect(
      placeToken(tokenHeader('Authorization: {token}'), new URL('https://x.test/'), {}, 'K')
        .headers,
    ).toEqual({
      Authorization: 'K',
    })
    expect(
      placeToken(
        tokenHeader('X-Access-Token: {token}'),
        new URL('https://x.test/'),
        { A: 'b' },
        'K',
      ).headers,
    ).toEqual({ A: 'b', 'X-Access-Token': 'K' })
  })

  it('refuses a template without {token}, with a bad name, or with CR/LF', () => {
    for (const [template, problem] of [
      ['Authorization: Bearer', /\{token\} exactly once/],
      ['Authorization: {token} {token}', /\{token\} exactly once/],
      ['Bearer {token}', /header line/],
      ['X Token: {token}', /header line/],
      [': {token}', /header line/],
      ['Host: {token}', /cannot send the token/],
      ['X-Token: {token}\r\nX-Evil: 1', /control character/],
    ] as const) {
      expect(() => tokenHeader(template)).toThrow(problem)
    }
  })
})

describe('tokenQueryParameter (RFC 6750 §2.3)', () => {
  const placement = tokenPlacement(BEARER_PLACEMENT, tokenQueryParameter('access_token'))

  it('puts the token in the query, replacing one the API echoed', () => {
    const url = new URL('https://x.test/api/items?page=2&access_token=old&b=%20c')
    const placed = placeToken(placement, url, { Accept: 'application/json' }, 'new/+=')
    expect(placed.url.href).toBe('https://x.test/api/items?page=2&b=%20c&access_token=new%2F%2B%3D')
    expect(placed.headers).toEqual({ Accept: 'application/json' })
    expect(url.href).toContain('access_token=old')
  })

  it('is stripped from the URLs a step reports', () => {
    expect(reportedUrl('https://x.test/a?access_token=t&page=2', placement)).toBe(
      'https://x.test/a?page=2',
    )
    expect(reportedUrl('https://x.test/a?access%5Ftoken=t', placement)).toBe('https://x.test/a')
    expect(reportedUrl('', placement)).toBe('')
    expect(reportedUrl('https://x.test/a?access_token=t', BEARER_PLACEMENT)).toBe(
      'https://x.test/a?access_token=t',
    )
  })

  it('refuses bad names and a header template beside it', () => {
    expect(() => tokenQueryParameter('a b')).toThrow(/query parameter name/)
    expect(() => tokenQueryParameter('a&b=c')).toThrow(/query parameter name/)
    expect(() => tokenPlacement(tokenHeader('X-Token: {token}'), 'access_token')).toThrow(
      /together with tokenHeader/,
    )
  })
})

describe('apiHeaders: fixed headers beside the token', () => {
  it('reads a JSON object of string values', () => {
    const headers = apiHeaders('{"x-api-key":"k-123456","X-User-Id":"u-1"}')
    expect([...headers.values()]).toEqual([
      ['x-api-key', 'k-123456'],
      ['X-User-Id', 'u-1'],
    ])
    expect(apiHeaders(undefined).size).toBe(0)
    expect(apiHeaders('').size).toBe(0)
  })

  it('refuses framing headers, doubles, non-strings, CR/LF, and not-JSON — without quoting values', () => {
    for (const [value, problem] of [
      ['{"Host":"evil.test"}', /may not set "Host"/],
      ['{"content-length":"5"}', /may not set/],
      ['{"Transfer-Encoding":"chunked"}', /may not set/],
      ['{"a":"1","A":"2"}', /twice/],
      ['{"a":1}', /must be a string/],
      ['{"a":"x\\r\\nb: c"}', /control character/],
      ['{"bad name":"v"}', /not a valid token/],
      ['secret-not-json', /JSON object/],
      ['["x"]', /JSON object/],
    ] as const) {
      expect(() => apiHeaders(value)).toThrow(problem)
    }
    let message = ''
    try {
      apiHeaders('{"a":"s3cr3t-value\\n"}')
    } catch (error) {
      message = String(error)
    }
    expect(message).toMatch(/control character/)
    expect(message).not.toContain('s3cr3t')
  })

  it('may not set the header the token goes in', () => {
    expect(() => apiAccess(BEARER_PLACEMENT, apiHeaders('{"authorization":"Basic x"}'))).toThrow(
      /the token goes in it/,
    )
    const custom = tokenHeader('X-Access-Token: {token}')
    expect(() => apiAccess(custom, apiHeaders('{"x-access-token":"v"}'))).toThrow(
      /token goes in it/,
    )
    // With the token elsewhere, Authorization is the API's to ask for.
    expect(apiAccess(custom, apiHeaders('{"Authorization":"Basic eDp5"}')).headers.size).toBe(1)
  })
})
