/**
 * The extension refuses loopback, private and metadata addresses unless the operator opens them
 * with OAUTHAPI_ALLOWED_NETWORKS (extensions/oauthApi/lib/http/networkPolicy.ts). The local
 * servers, the demo, the bench, the CLI and the tests run everything on loopback, so their entry
 * points open loopback — only when the variable is unset, so that an operator's value is kept.
 */
export const ALLOWED_NETWORKS_ENV = 'OAUTHAPI_ALLOWED_NETWORKS'
export const LOOPBACK_NETWORKS = '127.0.0.0/8,::1/128'

/** Opens loopback when the variable is unset; returns the line saying so, or undefined. */
export const allowLoopbackUnlessSet = (
  env: NodeJS.ProcessEnv = process.env,
): string | undefined => {
  if (env[ALLOWED_NETWORKS_ENV] !== undefined) return undefined
  env[ALLOWED_NETWORKS_ENV] = LOOPBACK_NETWORKS
  return `${ALLOWED_NETWORKS_ENV} was unset: set to ${LOOPBACK_NETWORKS} so that the extension may reach these loopback servers (production operators set their own; see docs/design/network-policy.md)`
}
