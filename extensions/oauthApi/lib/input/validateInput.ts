import { createHash } from 'node:crypto'
import { validate } from '@awell-health/extensions-core'
import { ZodError, type ZodTypeAny, type z } from 'zod'
import { SettingsValidationSchema, type ValidatedSettings } from '../../settings'
import { validatedSettingsCache } from '../cache/caches'
import { ActionError } from '../run/ActionError'
import { describeZodError } from '../run/describeFailure'

/**
 * Settings at fault end the run in MISSING_SETTINGS, naming the setting.
 *
 * Every run of a care flow carries the same settings, and Zod's chains of refinements and
 * transforms make validating them cost more CPU than the rest of a run's own work; so the outcome
 * for each distinct settings object is kept (bounded, keyed by a hash, failures not kept). The
 * secrets are not kept: they are taken from the run's own settings by their own schemas.
 */
export const validateSettings = (settings: unknown): ValidatedSettings => {
  const raw = settings ?? {}
  const key = settingsKey(raw)
  const known = key !== undefined ? validatedSettingsCache.get(key) : undefined
  if (known !== undefined) return withSecrets(known, raw as Record<string, unknown>)
  const validated = validateOrThrow(SettingsValidationSchema, raw, 'Setting', 'MISSING_SETTINGS')
  if (key !== undefined) {
    Object.freeze(validated.extraTokenParams)
    const { clientSecret: _secret, privateKey: _key, ...withoutSecrets } = validated
    validatedSettingsCache.set(key, Object.freeze(withoutSecrets), Number.POSITIVE_INFINITY)
  }
  return validated
}

const settingsShape = SettingsValidationSchema.innerType().shape
const SECRET_SETTINGS = ['clientSecret', 'privateKey'] as const

/** Zod sets an optional key when the input has it, even if undefined: so does this. */
const withSecrets = (known: ValidatedSettings, raw: Record<string, unknown>): ValidatedSettings => {
  const settings = { ...known }
  for (const name of SECRET_SETTINGS) {
    if (name in raw) settings[name] = settingsShape[name].parse(raw[name])
  }
  return settings
}

/**
 * Only settings whose values are all strings (or undefined, written as null so that a key set to
 * undefined differs from a missing one) are kept: their JSON is then unambiguous.
 */
const settingsKey = (raw: unknown): string | undefined => {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined
  const values = Object.values(raw)
  if (!values.every((value) => value === undefined || typeof value === 'string')) return undefined
  const json = JSON.stringify(raw, (_name, value: unknown) => (value === undefined ? null : value))
  return createHash('sha256').update(json).digest('base64')
}

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
