import type { ValidatedSettings } from '../../settings'
import type { Redactor } from '../run/redactor'
import type { ClientCredentials } from './clientAuthentication'

export interface HttpLimits {
  timeoutMs: number
  maxResponseBytes: number
}

/** Everything a token request depends on; the cache key is made from all of it. */
export interface TokenClient {
  tokenUrl: string | undefined
  issuerUrl: string | undefined
  credentials: ClientCredentials
  scope: string | undefined
  audience: string | undefined
  resource: string | undefined
  extraParams: Record<string, string>
  limits: HttpLimits
}

const httpLimitsFromSettings = (settings: ValidatedSettings): HttpLimits => ({
  timeoutMs: Math.round(settings.timeoutSeconds * 1000),
  maxResponseBytes: Math.round(settings.maxResponseSizeMB * 1024 * 1024),
})

/** The token client for validated settings; the run's secrets are handed to its redactor. */
export const tokenClientFromSettings = (
  settings: ValidatedSettings,
  redactor: Redactor,
  scopeOverride?: string,
): TokenClient => {
  redactor.add(settings.clientSecret)
  redactor.add(settings.privateKey)
  return {
    tokenUrl: settings.tokenUrl,
    issuerUrl: settings.issuerUrl,
    credentials: {
      clientId: settings.clientId,
      method: settings.clientAuthMethod,
      clientSecret: settings.clientSecret,
      privateKey: settings.privateKey,
      privateKeyId: settings.privateKeyId,
      signingAlgorithm: settings.signingAlgorithm,
    },
    scope: scopeOverride ?? settings.scope,
    audience: settings.audience,
    resource: settings.resource,
    extraParams: settings.extraTokenParams,
    limits: httpLimitsFromSettings(settings),
  }
}
