/**
 * The network policy (lib/http/networkPolicy.ts) refuses loopback unless the operator opens it
 * with OAUTHAPI_ALLOWED_NETWORKS. The extension's own tests talk to servers on 127.0.0.1, so the
 * kit opens loopback — only when the variable is unset — and the tests run in place wherever the
 * folder is copied (the house's jest sets nothing).
 */
if (process.env.OAUTHAPI_ALLOWED_NETWORKS === undefined) {
  process.env.OAUTHAPI_ALLOWED_NETWORKS = '127.0.0.0/8,::1/128'
}
