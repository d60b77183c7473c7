import { InputFailure } from '../step/StepFailure'
import { apiAccess } from './apiAccess'
import { apiHeaders } from './apiHeaders'
import { buildApiRequest } from './buildApiRequest'
import { parseApiBase } from './resolveUnderBase'
import { BEARER_PLACEMENT, tokenHeader, tokenPlacement } from './tokenPlacement'

const base = parseApiBase('https://api.example.com/v1')
const dock = apiAccess(
  BEARER_PLACEMENT,
  apiHeaders(
    '{"x-api-key":"key-1","X-User-Id":"u-1","Accept":"application/vnd.dock+json","Content-Type":"text/csv"}',
  ),
)

const failureOf = (work: () => unknown): InputFailure => {
  try {
    work()
  } catch (error) {
    if (error instanceof InputFailure) return error
    throw error
  }
  throw new Error('expected an InputFailure')
}

describe('buildApiRequest with a connection’s fixed headers and token placement', () => {
  it('sends the fixed headers; a step’s own header of the same name wins (case-insensitive)', () => {
    const plan = buildApiRequest(
      { method: 'GET', path: '/x', query: [], headers: [['x-user-id', 'u-2']] },
      base,
      dock,
    )
    expect(plan.headers).toEqual({
      Accept: 'application/vnd.dock+json',
      'x-api-key': 'key-1',
      'x-user-id': 'u-2',
      'Content-Type': 'text/csv',
    })
    expect(plan.tokenPlacement).toBe(BEARER_PLACEMENT)
  })

  it('a body format’s Content-Type wins over a fixed one', () => {
    const plan = buildApiRequest(
      {
        method: 'POST',
        path: '/x',
        query: [],
        headers: [],
        body: { format: 'json', text: '{"a":1}', empty: false },
      },
      base,
      dock,
    )
    expect(plan.headers['Content-Type']).toBe('application/json')
  })

  it('a step may not set the token’s header or query parameter', () => {
    const custom = apiAccess(tokenHeader('X-Access-Token: {token}'), apiHeaders(undefined))
    const header = failureOf(() =>
      buildApiRequest(
        { method: 'GET', path: '/x', query: [], headers: [['x-access-token', 'mine']] },
        base,
        custom,
      ),
    )
    expect(header.subject).toEqual({ field: 'headers' })
    const query = apiAccess(tokenPlacement(BEARER_PLACEMENT, 'access_token'), apiHeaders(undefined))
    const parameter = failureOf(() =>
      buildApiRequest(
        { method: 'GET', path: '/x', query: [['access_token', 'mine']], headers: [] },
        base,
        query,
      ),
    )
    expect(parameter.subject).toEqual({ field: 'query' })
  })
})
