/**
 * One deadline for a whole step: discovery, token request, every retry, redirect, renewal and
 * page share it, so a server that answers each request just inside the timeout cannot stretch
 * the step.
 */
export interface Deadline {
  signal: AbortSignal
  seconds: number
  /** Epoch ms. */
  endsAtMs: number
}

/** A deadline and its release, for whoever owns the step (run/startStep.ts). */
export interface OwnedDeadline {
  deadline: Deadline
  /**
   * Says that nothing of the step is under way any more: the timer is cleared and the signal
   * never aborts. Calling it again does nothing.
   */
  release: () => void
}

/**
 * A step's deadline: its own AbortController and timer, aborting at `endsAtMs` with the reason
 * AbortSignal.timeout gives. It is a plain timer, not AbortSignal.timeout, so that `release`
 * clears it when the step ends: AbortSignal.timeout keeps a timer alive for the whole timeout
 * after the step has ended (at a few thousand runs a second, tens of thousands of pending timers
 * for the garbage collector to trace). Like AbortSignal.timeout's, the timer does not keep the
 * process alive.
 */
export const startDeadline = (seconds: number): OwnedDeadline => {
  const ms = Math.round(seconds * 1000)
  const endsAtMs = Date.now() + ms
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(timeoutReason()), ms)
  timer.unref()
  return {
    deadline: { signal: controller.signal, seconds, endsAtMs },
    release: () => clearTimeout(timer),
  }
}

/** The reason AbortSignal.timeout gives (WHATWG DOM §3.2.1). */
const timeoutReason = (): DOMException =>
  new DOMException('The operation was aborted due to timeout', 'TimeoutError')

export const remainingMs = (deadline: Deadline, now = Date.now()): number =>
  Math.max(0, deadline.endsAtMs - now)

/**
 * How long a step whose deadline passed still waits for the promise it raced: a load this step
 * started itself ends at the same deadline with its own, more precise error (which request ran
 * out of time) a moment later.
 */
const SETTLE_GRACE_MS = 100

/**
 * Waits for a promise that another step may have started (a shared token request), but no longer
 * than this step's deadline (and a short grace): then it rejects with `timedOut()`.
 */
export const raceDeadline = async <T>(
  promise: Promise<T>,
  deadline: Deadline,
  timedOut: () => Error,
): Promise<T> => {
  const { signal } = deadline
  if (signal.aborted) throw timedOut()
  let onAbort: (() => void) | undefined
  let grace: NodeJS.Timeout | undefined
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => {
      grace = setTimeout(() => reject(timedOut()), SETTLE_GRACE_MS)
    }
    signal.addEventListener('abort', onAbort, { once: true })
  })
  try {
    return await Promise.race([promise, aborted])
  } finally {
    if (onAbort !== undefined) signal.removeEventListener('abort', onAbort)
    if (grace !== undefined) clearTimeout(grace)
  }
}
