import { Redactor } from './redactor'

describe('Redactor', () => {
  it('scrubs a secret in the forms it travels in', () => {
    const redactor = new Redactor()
    const secret = 'pa ss+wo/rd"x'
    redactor.add(secret)
    const forms = [
      secret,
      encodeURIComponent(secret),
      'pa+ss%2Bwo%2Frd%22x',
      JSON.stringify(secret),
      Buffer.from(secret).toString('base64'),
    ]
    for (const form of forms) {
      expect(redactor.scrub(`before ${form} after`)).not.toContain(form.replace(/^"|"$/g, ''))
    }
  })

  it('scrubs each line of a PEM body, also one written with literal \\n', () => {
    const line = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7'
    const redactor = new Redactor()
    redactor.add(`-----BEGIN PRIVATE KEY-----\\n${line}\\nAAAA\\n-----END PRIVATE KEY-----`)
    expect(redactor.scrub(`error near ${line}`)).toBe('error near [REDACTED]')
  })

  it('leaves values too short to be secrets, and text without secrets, alone', () => {
    const redactor = new Redactor()
    redactor.add('abc')
    redactor.add(undefined)
    expect(redactor.scrub('abc def')).toBe('abc def')
  })
})
