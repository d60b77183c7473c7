/** The environment-variable prefix of an extension's settings, e.g. `OAUTHAPI_` for `oauthApi`. */
export function settingsEnvPrefix(extensionKey: string): string {
  return `${extensionKey.toUpperCase()}_`
}

/** The environment variable that sets a setting, e.g. `OAUTHAPI_TOKENURL`. */
export function settingEnvVarName(extensionKey: string, settingKey: string): string {
  return `${settingsEnvPrefix(extensionKey)}${settingKey.toUpperCase()}`
}
