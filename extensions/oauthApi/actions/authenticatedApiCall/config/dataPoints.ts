import type { DataPointDefinition } from '@awell-health/extensions-core'

export const dataPoints = {
  statusCode: { key: 'statusCode', valueType: 'number' },
  responseBody: { key: 'responseBody', valueType: 'json' },
  responseHeaders: { key: 'responseHeaders', valueType: 'json' },
  accessToken: { key: 'accessToken', valueType: 'string' },
  tokenRefreshed: { key: 'tokenRefreshed', valueType: 'boolean' },
  location: { key: 'location', valueType: 'string' },
  pageCount: { key: 'pageCount', valueType: 'number' },
  nextPageUrl: { key: 'nextPageUrl', valueType: 'string' },
} satisfies Record<string, DataPointDefinition>
