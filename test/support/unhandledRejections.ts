/**
 * Records unhandled promise rejections while a test file runs, so that a file can assert there
 * were none.
 *
 * Inside jest, the global `process` is a sandbox copy whose `on('unhandledRejection')` never
 * fires: Node emits the event on the real process object only. The real one is reached through
 * the Function constructor of a Node core function (core modules live outside the sandbox).
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { inspect } from 'node:util'

const getRealProcess = (inspect.constructor as FunctionConstructor)(
  'return process',
) as () => NodeJS.Process
const realProcess = getRealProcess()

export interface RejectionTracker {
  /** The reasons seen so far, as text. */
  readonly rejections: string[]
}

/**
 * Registers a listener in beforeAll, asserts after each test that no rejection went unhandled,
 * and removes the listener in afterAll (asserting once more). Call it at the top level of a test file.
 */
export const trackUnhandledRejections = (): RejectionTracker => {
  const rejections: string[] = []
  const listener = (reason: unknown): void => {
    rejections.push(reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason))
  }
  beforeAll(() => {
    realProcess.on('unhandledRejection', listener)
  })
  afterEach(async () => {
    // A rejection is reported once the microtask queue has drained: give it a moment.
    await sleep(5)
    expect(rejections).toEqual([])
  })
  afterAll(() => {
    realProcess.off('unhandledRejection', listener)
    expect(rejections).toEqual([])
  })
  return { rejections }
}
