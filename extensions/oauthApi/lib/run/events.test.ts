import { errorEvent, infoEvent } from './events'

describe('events', () => {
  it('are dated as new Date().toISOString() dates them, to the millisecond', () => {
    for (let i = 0; i < 2000; i++) {
      const before = Date.now()
      const { date } = i % 2 === 0 ? infoEvent('x') : errorEvent('SERVER_ERROR', 'x')
      const after = Date.now()
      expect(date).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/)
      const ms = Date.parse(date)
      expect(ms).toBeGreaterThanOrEqual(before)
      expect(ms).toBeLessThanOrEqual(after)
      expect(new Date(ms).toISOString()).toBe(date)
    }
  })

  it('follow the clock across seconds', () => {
    jest.useFakeTimers({ now: Date.parse('2026-12-31T23:59:59.998Z') })
    try {
      expect(infoEvent('a').date).toBe('2026-12-31T23:59:59.998Z')
      jest.advanceTimersByTime(3)
      expect(infoEvent('b').date).toBe('2027-01-01T00:00:00.001Z')
      jest.setSystemTime(Date.parse('2026-06-01T12:00:00.000Z'))
      expect(errorEvent('SERVER_ERROR', 'c').date).toBe('2026-06-01T12:00:00.000Z')
    } finally {
      jest.useRealTimers()
    }
  })
})
