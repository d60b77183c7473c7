/**
 * The one error type that the actions' code throws on purpose. Its message is written by this
 * project (never copied from a raw HTTP-client error) and is scrubbed of secrets again before it
 * reaches an event.
 */
export type ErrorCategory =
  | 'MISSING_SETTINGS'
  | 'MISSING_FIELDS'
  | 'WRONG_INPUT'
  | 'BAD_REQUEST'
  | 'SERVER_ERROR'
  | 'WRONG_DATA'

export class ActionError extends Error {
  readonly category: ErrorCategory

  constructor(category: ErrorCategory, message: string) {
    super(message)
    this.name = 'ActionError'
    this.category = category
  }
}

export const settingError = (setting: string, problem: string): ActionError =>
  new ActionError('MISSING_SETTINGS', `Setting "${setting}": ${problem}`)

export const fieldError = (field: string, problem: string): ActionError =>
  new ActionError('WRONG_INPUT', `Field "${field}": ${problem}`)
