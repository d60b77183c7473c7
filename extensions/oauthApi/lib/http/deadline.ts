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

export const startDeadline = (seconds: number): Deadline => {
  const ms = Math.round(seconds * 1000)
  return { signal: AbortSignal.timeout(ms), seconds, endsAtMs: Date.now() + ms }
}

export const remainingMs = (deadline: Deadline, now = Date.now()): number =>
  Math.max(0, deadline.endsAtMs - now)

/**
 * Waits for a promise that another step started (a shared token request), but no longer than
 * this step's deadline: then it rejects with `timedOut()`.
 */
export const raceDeadline = async <T>(
  promise: Promise<T>,
  deadline: Deadline,
  timedOut: () => Error,
): Promise<T> => {
  const { signal } = deadline
  if (signal.aborted) throw timedOut()
  let onAbort: (() => void) | undefined
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => reject(timedOut())
    signal.addEventListener('abort', onAbort, { once: true })
  })
  try {
    return await Promise.race([promise, aborted])
  } finally {
    if (onAbort !== undefined) signal.removeEventListener('abort', onAbort)
  }
}
