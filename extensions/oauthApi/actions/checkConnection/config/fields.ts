import { FieldType, type Field } from '@awell-health/extensions-core'
import { z, type ZodTypeAny } from 'zod'
import { optionalText } from '../../../lib/input/fieldSchemas'
import { sharedFieldSchemas, sharedFields } from '../../shared/fields'

export const fields = {
  path: {
    id: 'path',
    label: 'Path to try',
    description:
      'Optional: a harmless GET under the API base URL to try the token on, e.g. /metadata on a FHIR server.',
    type: FieldType.TEXT,
    required: false,
  },
  connection: sharedFields.connection,
} satisfies Record<string, Field>

export const FieldsValidationSchema = z.object({
  path: optionalText,
  connection: sharedFieldSchemas.connection,
} satisfies Record<keyof typeof fields, ZodTypeAny>)
