import { FieldType, type Field } from '@awell-health/extensions-core'
import { objectOfParsers, type ValueParser } from '../../../lib/input/objectOfParsers'
import { optionalFieldText } from '../../../lib/input/valueParsers'
import { connection, connectionField } from '../../shared/fields'

export const fields = {
  path: {
    id: 'path',
    label: 'Path to try',
    description:
      'Optional: a harmless GET under the API base URL to try the token on, e.g. /metadata on a FHIR server.',
    type: FieldType.TEXT,
    required: false,
  },
  connection: connectionField,
} satisfies Record<string, Field>

export const FieldsValidationSchema = objectOfParsers({
  path: optionalFieldText,
  connection,
} satisfies Record<keyof typeof fields, ValueParser<unknown>>)
