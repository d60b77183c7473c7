import { startDeadline } from '../http/deadline'
import type { Redactor } from '../secrets/redactor'
import type { StepContext } from '../step/StepContext'

/**
 * The step's context once its settings are parsed: one deadline for everything it sends, the
 * size cap, and the settings' secrets handed to the run's redactor.
 */
export const startStep = (
  settings: { timeoutSeconds: number; maxResponseBytes: number; secrets: readonly string[] },
  redactor: Redactor,
): StepContext => {
  for (const secret of settings.secrets) redactor.add(secret)
  return {
    deadline: startDeadline(settings.timeoutSeconds),
    maxResponseBytes: settings.maxResponseBytes,
    redactor,
  }
}
