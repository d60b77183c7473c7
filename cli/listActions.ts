import type { Extension } from '@awell-health/extensions-core'

export interface ExtensionListing {
  key: string
  title: string
  actions: Array<{ key: string; title: string }>
}

/** The extensions in the registry with the key and title of each of their actions. */
export function listActions(registry: readonly Extension[]): ExtensionListing[] {
  return registry.map((extension) => ({
    key: extension.key,
    title: extension.title,
    actions: Object.values(extension.actions).map((action) => ({
      key: action.key,
      title: action.title,
    })),
  }))
}
