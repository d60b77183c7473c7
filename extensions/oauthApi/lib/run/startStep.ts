import type { Helpers } from '@awell-health/extensions-core'
import { startDeadline } from '../http/deadline'
import { requestThrottle, type RequestRate } from '../rate/requestRate'
import type { Redactor } from '../secrets/redactor'
import type { StepContext } from '../step/StepContext'

/**
 * The step's context once its settings are parsed: one deadline for everything it sends, the
 * size cap, the settings' secrets handed to the run's redactor, and the API requests' throttle
 * under the configuration's rate limit (through the runtime's `helpers.rateLimiter` when there
 * is one).
 */
export const startStep = (
  settings: {
    timeoutSeconds: number
    maxResponseBytes: number
    secrets: readonly string[]
    requestRate?: RequestRate
  },
  redactor: Redactor,
  helpers?: Partial<Pick<Helpers, 'rateLimiter'>>,
): StepContext => {
  for (const secret of settings.secrets) redactor.add(secret)
  const deadline = startDeadline(settings.timeoutSeconds)
  return {
    deadline,
    maxResponseBytes: settings.maxResponseBytes,
    redactor,
    throttle: requestThrottle(settings.requestRate, helpers?.rateLimiter, deadline),
  }
}
