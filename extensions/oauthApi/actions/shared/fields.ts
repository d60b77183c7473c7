import { FieldType, type Field } from '@awell-health/extensions-core'
import type { ValueParser } from '../../lib/input/objectOfParsers'
import { connectionName } from '../../settings'

/** Fields that every action has. */

/** Which named connection (settings "connections") the step uses; the flat settings when empty. */
export const connectionField = {
  id: 'connection',
  label: 'Connection',
  description:
    'Optional: the name of a connection in the "Named connections" setting, e.g. lab. Empty or "default": the flat settings. It may come from a data point (e.g. the patient\'s hospital).',
  type: FieldType.TEXT,
  required: false,
} satisfies Field

/** The connection field's value: a connection name, `default` when empty. */
export const connection: ValueParser<string> = connectionName
