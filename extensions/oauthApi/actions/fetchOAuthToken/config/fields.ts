import { FieldType, type Field } from '@awell-health/extensions-core'
import { z, type ZodTypeAny } from 'zod'
import { flag, optionalText } from '../../../lib/input/fieldSchemas'
import { sharedFieldSchemas, sharedFields } from '../../shared/fields'

export const fields = {
  scope: {
    id: 'scope',
    label: 'Scope',
    description:
      'Space-separated scopes for this step; overrides the Scope setting. Leave empty to use the setting.',
    type: FieldType.TEXT,
    required: false,
  },
  forceRefresh: {
    id: 'forceRefresh',
    label: 'Force a new token',
    description:
      'Request a new token even when a cached one is still valid (e.g. after permissions changed).',
    type: FieldType.BOOLEAN,
    required: false,
  },
  connection: sharedFields.connection,
} satisfies Record<string, Field>

export const FieldsValidationSchema = z.object({
  scope: optionalText,
  forceRefresh: flag(),
  connection: sharedFieldSchemas.connection,
} satisfies Record<keyof typeof fields, ZodTypeAny>)
