import { extensions } from '../../extensions'
import { displayDataPoint } from '../../cli/format'
import { maskValue, obfuscatedValues, redactSecrets } from '../../cli/secrets'
import { createFakeRegistry } from './fakeRegistry'

describe('maskValue', () => {
  it('shows the first 4 characters, an ellipsis and the length', () => {
    expect(maskValue('abcdefghijklmnop')).toBe('abcd…16')
  })

  it('shows only the length of values too short to reveal a prefix', () => {
    expect(maskValue('abcdef')).toBe('…6')
  })
})

describe('displayDataPoint', () => {
  it('masks accessToken and values equal to a secret, and nothing else', () => {
    expect(displayDataPoint('accessToken', 'eyJhbGciOiJSUzI1NiJ9', [])).toBe('eyJh…20')
    expect(displayDataPoint('other', 'the-client-secret', ['the-client-secret'])).toBe('the-…17')
    expect(displayDataPoint('other', 'plain', ['the-client-secret'])).toBe('plain')
    expect(displayDataPoint('other', null, [])).toBe('(null)')
  })
})

describe('secrets', () => {
  it('collects non-empty values of obfuscated settings only', () => {
    const extension = createFakeRegistry().registry[0]
    expect(obfuscatedValues(extension, { clientSecret: 's3', clientId: 'id' })).toEqual(['s3'])
    expect(obfuscatedValues(extension, { clientSecret: '' })).toEqual([])
  })

  it("collects the obfuscated settings inside each named connection, not just the setting's text", () => {
    const [oauthApi] = extensions
    const connections = JSON.stringify({
      lab: { clientId: 'lab-id', clientSecret: 'lab-secret' },
      keys: { clientId: 'k', privateKey: 'pem-text', clientSecret: 12345 },
    })
    expect(obfuscatedValues(oauthApi, { clientSecret: 's3', connections }).sort()).toEqual(
      [connections, 'lab-secret', 'pem-text', '12345', 's3'].sort(),
    )
    expect(obfuscatedValues(oauthApi, { connections: 'not json' })).toEqual(['not json'])
  })

  it('redacts every occurrence in one pass, longest secret first', () => {
    expect(redactSecrets('a abc b abc', ['a', 'abc'])).toBe('[redacted] [redacted] b [redacted]')
  })

  it('treats secrets literally, not as patterns', () => {
    expect(redactSecrets('p.s. (x+y)$ and pXs', ['p.s', '(x+y)$'])).toBe(
      '[redacted]. [redacted] and pXs',
    )
  })
})
