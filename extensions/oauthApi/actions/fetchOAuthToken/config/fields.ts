import { FieldType, type Field } from '@awell-health/extensions-core'
import { objectOfParsers, type ValueParser } from '../../../lib/input/objectOfParsers'
import { booleanValue, optionalFieldText } from '../../../lib/input/valueParsers'
import { connection, connectionField } from '../../shared/fields'

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
  connection: connectionField,
} satisfies Record<string, Field>

export const FieldsValidationSchema = objectOfParsers({
  scope: optionalFieldText,
  forceRefresh: booleanValue(false),
  connection,
} satisfies Record<keyof typeof fields, ValueParser<unknown>>)
