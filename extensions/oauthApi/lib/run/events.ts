import type { ActivityEvent } from '@awell-health/extensions-core'
import type { ErrorCategory } from './describeFailure'

export const infoEvent = (text: string): ActivityEvent => ({
  date: new Date().toISOString(),
  text: { en: text },
})

export const errorEvent = (category: ErrorCategory, message: string): ActivityEvent => ({
  date: new Date().toISOString(),
  text: { en: message },
  error: { category, message },
})
