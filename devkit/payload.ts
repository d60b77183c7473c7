import type { NewActivityPayload, Settings } from '@awell-health/extensions-core'

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- fields of any action
export type LocalPayload = NewActivityPayload<any, Settings>

/** The payload's patient, care flow and activity: fixed placeholder ids. */
export const PAYLOAD_CONTEXT = {
  patient: { id: 'cli-patient' },
  pathway: {
    id: 'cli-pathway',
    definition_id: 'cli-pathway-definition',
    tenant_id: 'cli-tenant',
    org_slug: 'cli-org',
    org_id: 'cli-org',
  },
  activity: { id: 'cli-activity' },
} as const satisfies Omit<LocalPayload, 'fields' | 'settings'>

/**
 * A NewActivityPayload as the platform sends it. Fields and settings are passed on as they are,
 * even when they do not fit the action (the fuzz suite sends wrong types on purpose).
 */
export function buildPayload(fields: unknown, settings: unknown): LocalPayload {
  return { fields, settings, ...PAYLOAD_CONTEXT } as LocalPayload
}
