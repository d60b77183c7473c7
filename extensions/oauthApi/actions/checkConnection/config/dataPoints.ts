import type { DataPointDefinition } from '@awell-health/extensions-core'

export const dataPoints = {
  tokenEndpoint: { key: 'tokenEndpoint', valueType: 'string' },
  clientAuthMethod: { key: 'clientAuthMethod', valueType: 'string' },
  grantedScope: { key: 'grantedScope', valueType: 'string' },
  scopesNotGranted: { key: 'scopesNotGranted', valueType: 'string' },
  expiresIn: { key: 'expiresIn', valueType: 'number' },
  tokenFormat: { key: 'tokenFormat', valueType: 'string' },
  tokenClaims: { key: 'tokenClaims', valueType: 'json' },
  clockSkewSeconds: { key: 'clockSkewSeconds', valueType: 'number' },
  apiStatusCode: { key: 'apiStatusCode', valueType: 'number' },
  // Where the token was read (the tokenPath setting, "access_token" by default).
  tokenField: { key: 'tokenField', valueType: 'string' },
  // expiresIn, expiresAt, jwtExp, tokenLifetimeSeconds or unknown.
  lifetimeSource: { key: 'lifetimeSource', valueType: 'string' },
} satisfies Record<string, DataPointDefinition>
