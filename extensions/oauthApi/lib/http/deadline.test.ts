import { getMaxListeners } from 'node:events'
import { remainingMs, startDeadline } from './deadline'

describe('startDeadline (steps that end on the same 25 ms share one signal)', () => {
  describe('on a fake clock', () => {
    // 5 ms past a grid instant, so that every step below knows which instant it ends on.
    const START = 1_800_000_000_000 + 5
    beforeEach(() => {
      jest.useFakeTimers({ now: START, doNotFake: ['nextTick', 'queueMicrotask'] })
    })
    afterEach(() => {
      jest.useRealTimers()
    })

    it('aborts on the first grid instant at or after the deadline, with the reason AbortSignal.timeout gives', () => {
      const { deadline } = startDeadline(0.06)
      expect(deadline.endsAtMs).toBe(START + 60)
      jest.advanceTimersByTime(59)
      expect(deadline.signal.aborted).toBe(false)
      expect(remainingMs(deadline)).toBe(1)
      // START + 60 is 15 ms short of the next grid instant (START + 75 − 5).
      jest.advanceTimersByTime(10)
      expect(deadline.signal.aborted).toBe(false)
      jest.advanceTimersByTime(1)
      expect(deadline.signal.aborted).toBe(true)
      expect((deadline.signal.reason as DOMException).name).toBe('TimeoutError')
      expect(remainingMs(deadline)).toBe(0)
    })

    it('gives steps that end on the same instant one signal, and others their own', () => {
      const first = startDeadline(0.05)
      jest.advanceTimersByTime(3)
      const second = startDeadline(0.05)
      const later = startDeadline(1)
      expect(second.deadline.signal).toBe(first.deadline.signal)
      expect(later.deadline.signal).not.toBe(first.deadline.signal)
      for (const step of [first, second, later]) step.release()
    })

    it('keeps a shared signal for the steps still under way when another step is released', () => {
      const first = startDeadline(0.05)
      const second = startDeadline(0.05)
      first.release()
      first.release()
      jest.advanceTimersByTime(100)
      expect(second.deadline.signal.aborted).toBe(true)
    })

    it('clears the timer once every step that shares it is released (nothing fires afterwards)', () => {
      const first = startDeadline(0.05)
      const second = startDeadline(0.05)
      first.release()
      second.release()
      expect(jest.getTimerCount()).toBe(0)
      jest.advanceTimersByTime(100)
      expect(first.deadline.signal.aborted).toBe(false)
      // A later step on the same instant gets a signal of its own, which does fire.
      jest.setSystemTime(START)
      const later = startDeadline(0.05)
      expect(later.deadline.signal).not.toBe(first.deadline.signal)
      jest.advanceTimersByTime(100)
      expect(later.deadline.signal.aborted).toBe(true)
    })
  })

  it('lets any number of requests listen on a shared signal (no "possible leak" warning)', () => {
    const step = startDeadline(5)
    // Node warns past 10 listeners by default.
    expect(getMaxListeners(step.deadline.signal)).toBe(Infinity)
    step.release()
  })
})
