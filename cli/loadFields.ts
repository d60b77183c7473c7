import type { Field } from '@awell-health/extensions-core'
import type { ActionRef } from './findAction'
import type { JsonSource } from './parseCommand'
import { readJsonObject } from './readJsonObject'

export interface LoadedFields {
  values: Record<string, unknown>
  warnings: string[]
}

/** Keeps the values whose key is one of the action's field ids; warns about the others. */
function keepKnownFields(
  action: ActionRef['action'],
  given: Record<string, unknown>,
): LoadedFields {
  const fields: Field[] = Object.values(action.fields ?? {})
  const known = new Set(fields.map((field) => field.id))
  const values: Record<string, unknown> = {}
  const warnings: string[] = []
  for (const [id, value] of Object.entries(given)) {
    if (known.has(id)) {
      values[id] = value
    } else {
      warnings.push(`ignoring unknown field '${id}' (known: ${[...known].join(', ') || 'none'})`)
    }
  }
  return { values, warnings }
}

/** Reads --fields / --fields-file and keeps the action's fields. */
export async function loadFields(
  action: ActionRef['action'],
  source: JsonSource,
  cwd: string,
): Promise<LoadedFields> {
  return keepKnownFields(action, await readJsonObject(source, 'fields', cwd))
}
