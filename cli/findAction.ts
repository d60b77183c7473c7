import type { Action, Extension, Fields, Settings } from '@awell-health/extensions-core'
import { UsageError } from './usage'

export interface ActionRef {
  extension: Extension
  action: Action<Fields, Settings, string>
}

function splitTarget(target: string): { extensionKey: string; actionKey: string } {
  const parts = target.split('/')
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
    throw new UsageError(`expected <extension>/<action>, got '${target}'`)
  }
  return { extensionKey: parts[0], actionKey: parts[1] }
}

function availableActionKeys(extension: Extension): string {
  return Object.keys(extension.actions).join(', ') || '(none)'
}

function lookUpAction(extension: Extension, actionKey: string): ActionRef['action'] | undefined {
  if (Object.prototype.hasOwnProperty.call(extension.actions, actionKey))
    return extension.actions[actionKey]
  return Object.values(extension.actions).find((action) => action.key === actionKey)
}

/** Finds `<extension>/<action>` in the registry, or throws a UsageError naming what exists. */
export function findAction(registry: readonly Extension[], target: string): ActionRef {
  const { extensionKey, actionKey } = splitTarget(target)
  const extension = registry.find((candidate) => candidate.key === extensionKey)
  if (extension === undefined) {
    const known = registry.map((candidate) => candidate.key).join(', ') || '(none)'
    throw new UsageError(`unknown extension '${extensionKey}' (known: ${known})`)
  }
  const action = lookUpAction(extension, actionKey)
  if (action === undefined) {
    throw new UsageError(
      `unknown action '${actionKey}' in extension '${extensionKey}' (known: ${availableActionKeys(extension)})`,
    )
  }
  return { extension, action }
}
