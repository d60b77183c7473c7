import type { DataPointDefinition } from '@awell-health/extensions-core'

export const dataPoints = {
  data: { key: 'data', valueType: 'json' },
  errors: { key: 'errors', valueType: 'json' },
  statusCode: { key: 'statusCode', valueType: 'number' },
  accessToken: { key: 'accessToken', valueType: 'string' },
  tokenRefreshed: { key: 'tokenRefreshed', valueType: 'boolean' },
} satisfies Record<string, DataPointDefinition>
