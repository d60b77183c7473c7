import { getMaxListeners } from 'node:events'
import { remainingMs, startDeadline } from './deadline'

describe('startDeadline (each step its own signal and timer)', () => {
  describe('on a fake clock', () => {
    const START = 1_800_000_000_000
    beforeEach(() => {
      jest.useFakeTimers({ now: START, doNotFake: ['nextTick', 'queueMicrotask'] })
    })
    afterEach(() => {
      jest.useRealTimers()
    })

    it('aborts at the deadline, with the reason AbortSignal.timeout gives', () => {
      const { deadline } = startDeadline(0.06)
      expect(deadline.endsAtMs).toBe(START + 60)
      jest.advanceTimersByTime(59)
      expect(deadline.signal.aborted).toBe(false)
      expect(remainingMs(deadline)).toBe(1)
      jest.advanceTimersByTime(1)
      expect(deadline.signal.aborted).toBe(true)
      expect((deadline.signal.reason as DOMException).name).toBe('TimeoutError')
      expect(remainingMs(deadline)).toBe(0)
    })

    it('gives every step a signal of its own', () => {
      const first = startDeadline(0.05)
      const second = startDeadline(0.05)
      expect(second.deadline.signal).not.toBe(first.deadline.signal)
      first.release()
      jest.advanceTimersByTime(100)
      expect(first.deadline.signal.aborted).toBe(false)
      expect(second.deadline.signal.aborted).toBe(true)
    })

    it('clears the timer when released (nothing fires afterwards; releasing again does nothing)', () => {
      const step = startDeadline(0.05)
      step.release()
      step.release()
      expect(jest.getTimerCount()).toBe(0)
      jest.advanceTimersByTime(100)
      expect(step.deadline.signal.aborted).toBe(false)
    })
  })

  it("keeps Node's default listener limit (a leak would still be warned about)", () => {
    const step = startDeadline(5)
    expect(getMaxListeners(step.deadline.signal)).not.toBe(Infinity)
    step.release()
  })
})
