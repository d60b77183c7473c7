import type { DataPointDefinition, Field, Setting } from '@awell-health/extensions-core'
import type { ActionRef } from './findAction'
import { settingEnvVarName } from './settingsEnv'

export interface FieldDescription {
  id: string
  label: string
  type: string
  required: boolean
  description?: string
  options?: Array<{ label: string; value: string | number }>
}

interface DataPointDescription {
  key: string
  valueType: string
}

export interface SettingDescription {
  key: string
  label: string
  required: boolean
  obfuscated: boolean
  description?: string
  envVar: string
}

export interface ActionDescription {
  extension: string
  action: string
  title: string
  description: string
  fields: FieldDescription[]
  dataPoints: DataPointDescription[]
  settings: SettingDescription[]
}

function dropdownOptionsOf(field: Field): FieldDescription['options'] {
  if (!('options' in field) || field.options?.dropdownOptions === undefined) return undefined
  return field.options.dropdownOptions.map(({ label, value }) => ({ label, value }))
}

function describeField(field: Field): FieldDescription {
  return {
    id: field.id,
    label: field.label,
    type: field.type,
    required: field.required === true,
    description: field.description,
    options: dropdownOptionsOf(field),
  }
}

function describeDataPoint(dataPoint: DataPointDefinition): DataPointDescription {
  return { key: dataPoint.key, valueType: dataPoint.valueType }
}

function describeSetting(extensionKey: string, setting: Setting): SettingDescription {
  return {
    key: setting.key,
    label: setting.label,
    required: setting.required === true,
    obfuscated: setting.obfuscated,
    description: setting.description,
    envVar: settingEnvVarName(extensionKey, setting.key),
  }
}

/** Everything a caller needs to know to run an action: fields, data points and settings. */
export function describeAction({ extension, action }: ActionRef): ActionDescription {
  const fields: Field[] = Object.values(action.fields ?? {})
  const dataPoints: DataPointDefinition[] = Object.values(action.dataPoints ?? {})
  return {
    extension: extension.key,
    action: action.key,
    title: action.title,
    description: action.description,
    fields: fields.map(describeField),
    dataPoints: dataPoints.map(describeDataPoint),
    settings: Object.values(extension.settings).map((setting) =>
      describeSetting(extension.key, setting),
    ),
  }
}
