import { errorEvent, infoEvent } from './events'

describe('events', () => {
  it('are dated now, as ISO-8601 to the millisecond', () => {
    jest.useFakeTimers({ now: Date.parse('2026-12-31T23:59:59.998Z') })
    try {
      expect(infoEvent('a').date).toBe('2026-12-31T23:59:59.998Z')
      jest.advanceTimersByTime(3)
      expect(errorEvent('SERVER_ERROR', 'b').date).toBe('2027-01-01T00:00:00.001Z')
    } finally {
      jest.useRealTimers()
    }
  })

  it('carry the text, and the category and message of an error', () => {
    expect(infoEvent('done').text).toEqual({ en: 'done' })
    expect(errorEvent('WRONG_INPUT', 'bad')).toMatchObject({
      text: { en: 'bad' },
      error: { category: 'WRONG_INPUT', message: 'bad' },
    })
  })
})
