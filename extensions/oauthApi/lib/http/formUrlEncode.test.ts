import fc from 'fast-check'
import { formUrlEncode } from './formUrlEncode'

describe('formUrlEncode (RFC 6749 §2.3.1, Appendix B)', () => {
  it('encodes as application/x-www-form-urlencoded, unlike encodeURIComponent', () => {
    expect(formUrlEncode("a b+c/d:e%f!'()*~")).toBe('a+b%2Bc%2Fd%3Ae%25f%21%27%28%29*%7E')
  })

  it('decodes back to the original for any string (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (value) => {
        const encoded = formUrlEncode(value)
        expect(encoded).toMatch(/^[A-Za-z0-9*\-._+%]*$/)
        expect(new URLSearchParams(`v=${encoded}`).get('v')).toBe(value)
      }),
      { numRuns: 2000 },
    )
  })
})
