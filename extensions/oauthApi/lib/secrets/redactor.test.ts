import fc from 'fast-check'
import { secretForms } from '../../__mocks__/oauthApiTestKit/actionRun'
import { Redactor } from './redactor'

const lowerHex = (text: string): string =>
  text.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase())

const redactorFor = (...secrets: string[]): Redactor => {
  const redactor = new Redactor()
  for (const secret of secrets) redactor.add(secret)
  return redactor
}

describe('Redactor', () => {
  it.each([0, 1, 2, 3, 4, 5])(
    'finds a secret inside a longer base64 blob, %i bytes in',
    (offset) => {
      const planted = 'cs-Planted-Secret-7f3a9e21'
      const blob = Buffer.concat([
        Buffer.from('{"k":"'.padStart(offset + 6, 'x').slice(0, offset + 6)),
        Buffer.from(planted),
        Buffer.from('","more":"data that follows"}'),
      ])
      for (const encoded of [blob.toString('base64'), blob.toString('base64url')]) {
        const scrubbed = redactorFor(planted).scrub(`{"blob":"${encoded}"}`)
        expect(scrubbed).toContain('[REDACTED]')
        // No 3-byte run of the secret survives in what is left of the blob.
        const left = Buffer.from(
          scrubbed
            .replace(/^.*"blob":"|"}$/g, '')
            .split('[REDACTED]')
            .join(''),
          'base64',
        ).toString('latin1')
        for (let i = 0; i + 6 <= planted.length; i++)
          expect(left).not.toContain(planted.slice(i, i + 6))
      }
    },
  )

  const secret = 'pa ss+wo/rd"x\u00e9\u20ac\ud83d\ude00~'

  it.each([
    ['raw', secret],
    ['JSON', JSON.stringify(secret).slice(1, -1)],
    ['JSON with PHP\'s "\\/"', JSON.stringify(secret).slice(1, -1).replace(/\//g, '\\/')],
    [
      'JSON with non-ASCII as \\uXXXX (upper case)',
      'pa ss+wo\\/rd\\"x\\u00E9\\u20AC\\uD83D\\uDE00~',
    ],
    [
      'JSON with ASCII as \\u00xx too (.NET, Go)',
      'pa ss\\u002bwo\\u002frd\\u0022x\\u00e9\\u20ac\\ud83d\\ude00\\u007e',
    ],
    ['percent-encoded', encodeURIComponent(secret)],
    ['percent-encoded, lower-case hex (.NET)', lowerHex(encodeURIComponent(secret))],
    ['form-encoded', new URLSearchParams({ v: secret }).toString().slice(2)],
    [
      'form-encoded, lower-case hex',
      lowerHex(new URLSearchParams({ v: secret }).toString().slice(2)),
    ],
    ['base64', Buffer.from(secret).toString('base64')],
    ['base64 without padding', Buffer.from(secret).toString('base64').replace(/=+$/, '')],
    ['base64url', Buffer.from(secret).toString('base64url')],
    [
      'base64url with padding',
      Buffer.from(secret)
        .toString('base64url')
        .padEnd(Buffer.from(secret).toString('base64').length, '='),
    ],
  ])('scrubs a secret %s', (_form, form) => {
    expect(redactorFor(secret).scrub(`before ${form} after`)).toBe('before [REDACTED] after')
  })

  it('scrubs every form the tests look for, and mixes of them, of any secret (property)', () => {
    const encodings = [
      (c: string) => c,
      (c: string) => JSON.stringify(c).slice(1, -1),
      (c: string) =>
        Array.from({ length: c.length }, (_u, i) =>
          `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`.toUpperCase().replace('\\U', '\\u'),
        ).join(''),
      (c: string) =>
        [...Buffer.from(c)].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join(''),
    ]
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', minLength: 4, maxLength: 24 }),
        fc.array(fc.nat(encodings.length - 1), { minLength: 24, maxLength: 24 }),
        (value, choices) => {
          const redactor = redactorFor(value)
          const mixed = Array.from(value)
            .map((character, i) => encodings[choices[i]](character))
            .join('')
          for (const form of [...secretForms(value), mixed]) {
            const scrubbed = redactor.scrub(`<${form}>`)
            expect(scrubbed).toContain('[REDACTED]')
            expect(scrubbed.includes(form)).toBe(false)
          }
        },
      ),
      { numRuns: 300 },
    )
  })

  it('scrubs each line of a PEM body, also one written with literal \\n', () => {
    const line = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7/+x'
    const redactor = redactorFor(
      `-----BEGIN PRIVATE KEY-----\\n${line}\\nAAAA\\n-----END PRIVATE KEY-----`,
    )
    expect(redactor.scrub(`error near ${line}`)).toBe('error near [REDACTED]')
    expect(redactor.scrub(`error near ${line.replace('/', '\\/')}`)).toBe('error near [REDACTED]')
    expect(redactor.scrub(`error near ${lowerHex(encodeURIComponent(line))}`)).toBe(
      'error near [REDACTED]',
    )
  })

  it('replaces a secret that contains another whole', () => {
    const redactor = redactorFor('abcd', 'xxabcdxx')
    expect(redactor.scrub('1 xxabcdxx 2 abcd')).toBe('1 [REDACTED] 2 [REDACTED]')
  })

  it('leaves values too short to be secrets, and text without secrets, alone', () => {
    const redactor = new Redactor()
    redactor.add('abc')
    redactor.add(undefined)
    expect(redactor.scrub('abc def %41 \\u0041 a+b')).toBe('abc def %41 \\u0041 a+b')
  })

  it('scrubs a large body with escapes in linear time', () => {
    const redactor = redactorFor('cs-Planted secret/7f3a9e21', 'tok_abcdefghijklmnop1234567890')
    const body = JSON.stringify(
      Array.from({ length: 20_000 }, (_u, id) => ({ id, url: 'https://x/a%20b\\c', n: '+1 5' })),
    )
    const started = performance.now()
    expect(redactor.scrub(body)).toBe(body)
    expect(performance.now() - started).toBeLessThan(500)
  })
})
