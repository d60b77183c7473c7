import { setMaxListeners } from 'node:events'

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
   * Says that nothing of the step is under way any more: once every step sharing its signal has
   * said so, the timer is cleared and the signal never aborts (see startDeadline). Calling it
   * again does nothing.
   */
  release: () => void
}

/** Deadlines fire on this grid: steps that end within the same 25 ms share one signal. */
const GRID_MS = 25

interface SharedDeadline {
  controller: AbortController
  timer: NodeJS.Timeout
  /** Steps holding it that have not been released. */
  steps: number
}

/**
 * The signals of the deadlines under way, by the grid instant they fire at. An AbortController
 * per step cost about a tenth of a cached-token call's CPU at 50 calls under way (Node 20 makes
 * each signal a slow, dictionary-mode object); on the grid, a few dozen a second serve thousands
 * of steps. Bounded by the steps under way and by the grid: at most one entry per 25 ms of the
 * longest timeout (300 s), each removed when it fires or when its last step is released.
 */
const sharedDeadlines = new Map<number, SharedDeadline>()

/**
 * A step's deadline: `endsAtMs` is exact (every wait and `remainingMs` use it); the signal aborts
 * at the first grid instant at or after it — never early, at most 25 ms late — with the reason
 * AbortSignal.timeout gives. It is a plain timer, not AbortSignal.timeout, which keeps a weak
 * reference and a timer alive for the whole timeout after the step has ended (at a few thousand
 * runs a second, tens of thousands of pending timers for the garbage collector to trace). Like
 * AbortSignal.timeout's, the timer does not keep the process alive.
 */
export const startDeadline = (seconds: number): OwnedDeadline => {
  const endsAtMs = Date.now() + Math.round(seconds * 1000)
  const firesAtMs = Math.ceil(endsAtMs / GRID_MS) * GRID_MS
  let shared = sharedDeadlines.get(firesAtMs)
  if (shared === undefined) {
    const controller = new AbortController()
    // Every step on this instant may have a request listening: no "possible leak" warning.
    setMaxListeners(Infinity, controller.signal)
    const timer = setTimeout(() => {
      sharedDeadlines.delete(firesAtMs)
      controller.abort(timeoutReason())
    }, firesAtMs - Date.now())
    timer.unref()
    shared = { controller, timer, steps: 0 }
    sharedDeadlines.set(firesAtMs, shared)
  }
  const held = shared
  held.steps++
  let released = false
  return {
    deadline: { signal: held.controller.signal, seconds, endsAtMs },
    release: () => {
      if (released) return
      released = true
      held.steps--
      if (held.steps === 0 && sharedDeadlines.get(firesAtMs) === held) {
        clearTimeout(held.timer)
        sharedDeadlines.delete(firesAtMs)
      }
    },
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
