export const USAGE = `Usage: npm run --silent cli -- <command> [options]

Commands:
  list [--json]
      List the extensions and their actions.
  describe <extension>/<action> [--json]
      Show an action's fields, data points and its extension's settings.
  run <extension>/<action> (--fields JSON | --fields-file FILE)
      [--settings JSON | --settings-file FILE] [--connection NAME] [--json] [--verbose]
      Run the action's handler locally; --connection picks a named connection (the
      Connection field).
  keygen [--alg RS384|ES384|RS256|ES256|PS384|PS256] [--certificate] [--json]
      Make a private key for private_key_jwt or jwt_bearer: prints it as the "Private key"
      setting takes it (one line), its kid (RFC 7638 thumbprint) and the public JWK Set to
      register; with --certificate (RSA only) also a self-signed certificate of the key, for
      registering with Microsoft Entra and for the "Certificate of the private key" setting.
  jwks [--settings JSON | --settings-file FILE] [--connection NAME]
      Print the public JWK Set of the configured private key (only public members).
  connections [--settings JSON | --settings-file FILE] [--json]
      List every connection (name, token endpoint or issuer, client id, authentication,
      API base URL; never a secret) and validate them all: exit 1 naming the problems.

Settings (run, jwks, connections) are read from, in increasing priority: ./.env, environment variables
<EXTENSION>_<SETTINGKEY> (e.g. OAUTHAPI_TOKENURL, OAUTHAPI_CONNECTIONS), then --settings/--settings-file.

Exit codes: 0 completed, 1 action error or uncaught failure, 2 usage error.
`

/** A mistake in how the CLI was called: reported with the usage text and exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}
