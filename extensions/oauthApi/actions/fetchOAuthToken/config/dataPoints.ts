import type { DataPointDefinition } from '@awell-health/extensions-core'

export const dataPoints = {
  accessToken: { key: 'accessToken', valueType: 'string' },
  tokenType: { key: 'tokenType', valueType: 'string' },
  expiresIn: { key: 'expiresIn', valueType: 'number' },
  expiresAt: { key: 'expiresAt', valueType: 'date' },
  scope: { key: 'scope', valueType: 'string' },
  scopesNotGranted: { key: 'scopesNotGranted', valueType: 'string' },
} satisfies Record<string, DataPointDefinition>
