import type { Extension } from '@awell-health/extensions-core'
import type { JsonSource } from './parseCommand'
import { readDotEnv } from './readDotEnv'
import { readJsonObject } from './readJsonObject'
import { obfuscatedValues, redactSecrets } from './secrets'
import { settingEnvVarName, settingsEnvPrefix } from './settingsEnv'
import type { CliDependencies } from './types'
import { UsageError } from './usage'

export interface LoadedSettings {
  values: Record<string, string>
  warnings: string[]
}

interface SettingsSources {
  dotEnv: Readonly<Record<string, string | undefined>>
  env: Readonly<Record<string, string | undefined>>
  cli: Readonly<Record<string, unknown>>
}

function settingKeys(extension: Extension): string[] {
  return Object.values(extension.settings).map((setting) => setting.key)
}

function findSettingKeyForEnvVar(extension: Extension, name: string): string | undefined {
  const suffix = name.slice(settingsEnvPrefix(extension.key).length).toUpperCase()
  return settingKeys(extension).find((key) => key.toUpperCase() === suffix)
}

function hasSettingsPrefix(extension: Extension, name: string): boolean {
  return name.toUpperCase().startsWith(settingsEnvPrefix(extension.key))
}

/** Picks `<EXTENSION>_<SETTINGKEY>` variables (key matched case-insensitively) out of a variable set. */
function settingsFromVariables(
  extension: Extension,
  variables: Readonly<Record<string, string | undefined>>,
  origin: string,
  warnings: string[],
): Record<string, string> {
  const values: Record<string, string> = {}
  for (const [name, value] of Object.entries(variables)) {
    if (value === undefined || !hasSettingsPrefix(extension, name)) continue
    const key = findSettingKeyForEnvVar(extension, name)
    if (key === undefined) {
      warnings.push(`ignoring ${name} from ${origin}: '${extension.key}' has no such setting`)
    } else {
      values[key] = value
    }
  }
  return values
}

function settingValueAsString(key: string, value: unknown): string {
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  throw new UsageError(`setting '${key}' must be a string`)
}

function settingsFromCli(
  extension: Extension,
  cli: Readonly<Record<string, unknown>>,
  warnings: string[],
): Record<string, string> {
  const known = new Set(settingKeys(extension))
  const values: Record<string, string> = {}
  for (const [key, value] of Object.entries(cli)) {
    if (known.has(key)) {
      values[key] = settingValueAsString(key, value)
    } else {
      warnings.push(`ignoring unknown setting '${key}' (known: ${[...known].join(', ')})`)
    }
  }
  return values
}

function warnAboutMissingRequiredSettings(
  extension: Extension,
  values: Record<string, string>,
  warnings: string[],
): void {
  for (const setting of Object.values(extension.settings)) {
    if (setting.required === true && values[setting.key] === undefined) {
      const envVar = settingEnvVarName(extension.key, setting.key)
      warnings.push(`required setting '${setting.key}' is not set (env ${envVar} or --settings)`)
    }
  }
}

/**
 * Merges settings from .env, then the environment, then --settings (later wins). `checkRequired`
 * false: a command that needs only some settings (jwks) does not warn about the others.
 */
export function mergeSettings(
  extension: Extension,
  sources: SettingsSources,
  checkRequired = true,
): LoadedSettings {
  const warnings: string[] = []
  const values = {
    ...settingsFromVariables(extension, sources.dotEnv, '.env', warnings),
    ...settingsFromVariables(extension, sources.env, 'the environment', warnings),
    ...settingsFromCli(extension, sources.cli, warnings),
  }
  if (checkRequired) warnAboutMissingRequiredSettings(extension, values, warnings)
  return { values, warnings }
}

/** Reads the .env file in `cwd` and the --settings input, then merges them with `env`. */
export async function loadSettings(
  extension: Extension,
  options: {
    env: Readonly<Record<string, string | undefined>>
    cwd: string
    source?: JsonSource
    checkRequired?: boolean
  },
): Promise<LoadedSettings> {
  const dotEnv = await readDotEnv(options.cwd)
  const cli =
    options.source === undefined
      ? {}
      : await readJsonObject(options.source, 'settings', options.cwd)
  const merged = mergeSettings(
    extension,
    { dotEnv: dotEnv.variables, env: options.env, cli },
    options.checkRequired,
  )
  return { values: merged.values, warnings: [...dotEnv.warnings, ...merged.warnings] }
}

/**
 * The oauthApi extension's settings for the commands that read them without running an action
 * (`jwks`, `connections`): required settings are not enforced, warnings go to stderr, and
 * whatever is written with `print` has the obfuscated settings' values redacted.
 */
export async function loadOauthApiSettings(
  source: JsonSource | undefined,
  deps: CliDependencies,
): Promise<{
  values: Record<string, string>
  print: (text: string) => void
  warn: (text: string) => void
}> {
  const extension = deps.registry.find((candidate) => candidate.key === 'oauthApi')
  if (extension === undefined) throw new UsageError("no 'oauthApi' extension in the registry")
  const settings = await loadSettings(extension, {
    env: deps.env,
    cwd: deps.cwd,
    source,
    checkRequired: false,
  })
  const secrets = obfuscatedValues(extension, settings.values)
  const warn = (text: string): void => deps.stderr(redactSecrets(text, secrets))
  for (const warning of settings.warnings) warn(`warning: ${warning}\n`)
  return {
    values: settings.values,
    print: (text) => deps.stdout(redactSecrets(text, secrets)),
    warn,
  }
}
