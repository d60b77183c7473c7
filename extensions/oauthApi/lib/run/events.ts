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

/**
 * The time as `new Date().toISOString()` writes it (ECMA-262 §21.4.1.32, "YYYY-MM-DDTHH:mm:ss.sssZ"),
 * with the text up to the seconds kept for the current second: formatting a Date is a few µs of
 * every run's cost, the milliseconds are not. One entry, replaced when the second changes.
 */
let currentSecond = { epochSecond: Number.NaN, prefix: '' }

const isoNow = (): string => {
  const ms = Date.now()
  const epochSecond = Math.floor(ms / 1000)
  if (epochSecond !== currentSecond.epochSecond) {
    // "YYYY-MM-DDTHH:mm:ss." (years 0000–9999; the extension does not run outside them).
    currentSecond = { epochSecond, prefix: new Date(epochSecond * 1000).toISOString().slice(0, 20) }
  }
  return `${currentSecond.prefix}${String(ms - epochSecond * 1000).padStart(3, '0')}Z`
}
