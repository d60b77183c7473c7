import type { Helpers } from '@awell-health/extensions-core'
import { startDeadline } from '../http/deadline'
import type { TlsProfile } from '../http/tlsProfile'
import { requestThrottle, type RequestRate } from '../rate/requestRate'
import type { Redactor } from '../secrets/redactor'
import type { StepContext } from '../step/StepContext'

/** What a step needs from the parsed settings. */
interface StepSettings {
  /** The named connection the step uses (`default`: the flat settings). */
  connection?: string
  timeoutSeconds: number
  maxResponseBytes: number
  secrets: readonly string[]
  requestRate?: RequestRate
  tls?: TlsProfile
}

/**
 * Starts a step once its settings are parsed: one deadline for everything it sends, the size
 * cap, the settings' secrets handed to the run's redactor, and the API requests' throttle under
 * the configuration's rate limit (through the runtime's `helpers.rateLimiter` when given).
 */
export type StartStep = (
  settings: StepSettings,
  helpers?: Partial<Pick<Helpers, 'rateLimiter'>>,
) => StepContext

/**
 * The steps of one run (onEventSafely hands `startStep` to the action): `end` clears their
 * deadlines' timers once the run's work has settled, when none of its requests is under way.
 */
export const stepsOfRun = (
  redactor: Redactor,
): { startStep: StartStep; end: () => void; connection: () => string | undefined } => {
  const releases: Array<() => void> = []
  let connection: string | undefined
  return {
    startStep: (settings, helpers) => {
      connection = settings.connection
      for (const secret of settings.secrets) redactor.add(secret)
      const { deadline, release } = startDeadline(settings.timeoutSeconds)
      releases.push(release)
      return {
        deadline,
        maxResponseBytes: settings.maxResponseBytes,
        redactor,
        throttle: requestThrottle(settings.requestRate, helpers?.rateLimiter, deadline),
        tls: settings.tls,
      }
    },
    end: () => {
      for (const release of releases) release()
    },
    /** The connection of the run's step, once started: settings at fault are named inside it. */
    connection: () => connection,
  }
}
