import type { NewActivityPayload, Settings } from '@awell-health/extensions-core'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type LocalPayload = NewActivityPayload<any, Settings>

export const LOCAL_IDS = {
  patient: 'cli-patient',
  pathway: 'cli-pathway',
  pathwayDefinition: 'cli-pathway-definition',
  tenant: 'cli-tenant',
  org: 'cli-org',
  activity: 'cli-activity',
} as const

/** A NewActivityPayload as the platform would send it, with fixed placeholder ids. */
export function buildPayload(
  fields: Record<string, unknown>,
  settings: Record<string, string>,
): LocalPayload {
  return {
    fields,
    settings,
    patient: { id: LOCAL_IDS.patient },
    pathway: {
      id: LOCAL_IDS.pathway,
      definition_id: LOCAL_IDS.pathwayDefinition,
      tenant_id: LOCAL_IDS.tenant,
      org_slug: LOCAL_IDS.org,
      org_id: LOCAL_IDS.org,
    },
    activity: { id: LOCAL_IDS.activity },
  }
}
