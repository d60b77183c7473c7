import { validate } from '@awell-health/extensions-core'
import { ZodError, type ZodTypeAny, type z } from 'zod'
import { SettingsValidationSchema, type ValidatedSettings } from '../../settings'
import { ActionError } from '../run/ActionError'
import { describeZodError } from '../run/describeFailure'

/** Settings at fault end the run in MISSING_SETTINGS, naming the setting. */
export const validateSettings = (settings: unknown): ValidatedSettings =>
  validateOrThrow(SettingsValidationSchema, settings ?? {}, 'Setting', 'MISSING_SETTINGS')

/** Fields at fault end the run in WRONG_INPUT, naming the field. */
export const validateFields = <T extends ZodTypeAny>(schema: T, fields: unknown): z.output<T> =>
  validateOrThrow(schema, fields ?? {}, 'Field', 'WRONG_INPUT')

const validateOrThrow = <T extends ZodTypeAny>(
  schema: T,
  payload: unknown,
  kind: 'Field' | 'Setting',
  category: 'MISSING_SETTINGS' | 'WRONG_INPUT',
): z.output<T> => {
  try {
    return validate({ schema, payload }) as z.output<T>
  } catch (error) {
    if (error instanceof ZodError) throw new ActionError(category, describeZodError(error, kind))
    throw error
  }
}
