import type { ActivityEvent } from '@awell-health/extensions-core'
import type { ErrorCategory } from './describeFailure'

export const infoEvent = (text: string): ActivityEvent => ({
  date: isoNow(),
  text: { en: text },
})

export const errorEvent = (category: ErrorCategory, message: string): ActivityEvent => ({
  date: isoNow(),
  text: { en: message },
  error: { category, message },
})

const isoNow = (): string => new Date().toISOString()
