// Token endpoints that authenticate with signed JWTs rather than secrets, checking them the way
// their vendors document it (verified with jose), and an API that takes the tokens they issue:
// - the JWT bearer grant (RFC 7523 §2.1), as Google checks a service account's assertion (RS256,
//   kid = private_key_id, iss = client_email, scope as a claim, aud = the token URI, at most one
//   hour, no client authentication) or as Salesforce/DocuSign do (sub = the user, aud = the login
//   host, scope as a parameter);
// - the client credentials grant with a client assertion identified by its certificate, as
//   Microsoft Entra checks certificate credentials (x5t#S256 in the header, PS256).
// Listens on 127.0.0.1 (http, or https with `tls`).

import { createHash, randomBytes, X509Certificate, type KeyObject } from 'node:crypto'
import { decodeJwt, decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose'
import {
  sendJson,
  startLoopbackServer,
  type LoopbackServer,
  type RecordedRequest,
} from './loopbackServer'

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer'
const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'
const TOKEN_PATH = '/token'
const API_PATH = '/api'

/** A JWT bearer issuer the server trusts: Google-style or Salesforce-style. */
export interface BearerIssuer {
  style: 'google' | 'salesforce'
  /** iss: the service account's client_email, or the connected app's consumer key. */
  issuer: string
  publicKey: KeyObject
  /** Google: the key file's private_key_id, which must be the header's kid. */
  keyId?: string
  /** Salesforce: the user the token is for (sub), and the login host (aud). */
  subject?: string
  audience?: string
  scope: string
}

/** A client registered with a certificate credential (Entra). */
export interface CertificateClient {
  clientId: string
  certificatePem: string
  scope: string
}

export interface AssertionTokenServer {
  tokenUrl: string
  apiBaseUrl: string
  /** What each token request carried: the assertion's header and claims, the form's names. */
  seen: Array<{
    header: Record<string, unknown>
    claims: JWTPayload
    params: string[]
    assertion: string
  }>
  /** The token requests that were refused, with why. */
  refusals: string[]
  server: LoopbackServer
  close(): Promise<void>
}

class Refusal extends Error {}

const refuse = (why: string): never => {
  throw new Refusal(why)
}

const thumbprint = (pem: string): string =>
  createHash('sha256').update(new X509Certificate(pem).raw).digest('base64url')

export async function startAssertionTokenServer(options: {
  bearerIssuers?: BearerIssuer[]
  certificateClients?: CertificateClient[]
  tls?: { cert: string; key: string }
}): Promise<AssertionTokenServer> {
  const issued = new Map<string, string>()
  const seen: AssertionTokenServer['seen'] = []
  const refusals: string[] = []
  let tokenUrl = ''

  const issue = (scope: string) => {
    const accessToken = randomBytes(24).toString('base64url')
    issued.set(accessToken, scope)
    return { access_token: accessToken, token_type: 'Bearer', expires_in: 3599, scope }
  }

  /** RFC 7523 §3, and Google's "Using OAuth 2.0 for Server to Server Applications". */
  const jwtBearer = async (form: URLSearchParams, recorded: RecordedRequest) => {
    const assertion = form.get('assertion') ?? refuse('no assertion')
    const claims = decodeJwt(assertion)
    const header = decodeProtectedHeader(assertion)
    seen.push({ header: { ...header }, claims, params: [...form.keys()], assertion })
    const trusted =
      (options.bearerIssuers ?? []).find((each) => each.issuer === claims.iss) ??
      refuse('unknown issuer')
    if (recorded.headers.authorization !== undefined || form.has('client_secret')) {
      refuse('client authentication sent with the assertion')
    }
    if (trusted.style === 'google') {
      const { payload, protectedHeader } = await jwtVerify(assertion, trusted.publicKey, {
        algorithms: ['RS256'],
        issuer: trusted.issuer,
        audience: tokenUrl,
        requiredClaims: ['iat', 'exp', 'scope'],
      })
      if (protectedHeader.kid !== trusted.keyId) refuse('kid is not the key file private_key_id')
      if ((payload.exp ?? 0) - (payload.iat ?? 0) > 3600) refuse('assertion lives over an hour')
      if (form.has('scope')) refuse('scope goes in the assertion')
      return issue(String(payload['scope']))
    }
    const { payload } = await jwtVerify(assertion, trusted.publicKey, {
      issuer: trusted.issuer,
      audience: trusted.audience ?? tokenUrl,
      subject: trusted.subject,
      requiredClaims: ['iat', 'exp', 'jti'],
    })
    if (payload['scope'] !== undefined) refuse('scope is a request parameter here')
    return issue(form.get('scope') ?? trusted.scope)
  }

  /** Entra: the certificate named by x5t#S256 verifies the client assertion (PS256). */
  const certificateAssertion = async (form: URLSearchParams) => {
    if (form.get('client_assertion_type') !== CLIENT_ASSERTION_TYPE) refuse('no client assertion')
    const assertion = form.get('client_assertion') ?? refuse('no client assertion')
    const header = decodeProtectedHeader(assertion)
    const claims = decodeJwt(assertion)
    seen.push({ header: { ...header }, claims, params: [...form.keys()], assertion })
    const client =
      (options.certificateClients ?? []).find((each) => each.clientId === claims.iss) ??
      refuse('unknown client')
    // Entra: "client_id — Required", equal to the assertion's issuer.
    if (form.get('client_id') !== client.clientId) refuse('client_id is not the assertion issuer')
    const x5tS256 = header['x5t#S256']
    if (x5tS256 !== thumbprint(client.certificatePem)) refuse('x5t#S256 is not the certificate')
    await jwtVerify(assertion, new X509Certificate(client.certificatePem).publicKey, {
      algorithms: ['PS256'],
      issuer: client.clientId,
      subject: client.clientId,
      audience: tokenUrl,
      requiredClaims: ['jti', 'exp'],
    })
    return issue(form.get('scope') ?? client.scope)
  }

  const server = await startLoopbackServer(
    async (recorded, response) => {
      const url = new URL(recorded.url, 'http://x')
      if (recorded.method === 'POST' && url.pathname === TOKEN_PATH) {
        const form = new URLSearchParams(recorded.body)
        try {
          const body =
            form.get('grant_type') === JWT_BEARER
              ? await jwtBearer(form, recorded)
              : form.get('grant_type') === 'client_credentials'
                ? await certificateAssertion(form)
                : refuse('unsupported grant_type')
          sendJson(response, 200, body, { 'Cache-Control': 'no-store' })
        } catch (error) {
          const why = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
          refusals.push(why)
          sendJson(response, 400, {
            error: 'invalid_grant',
            error_description: 'assertion refused',
          })
        }
        return
      }
      if (url.pathname.startsWith(API_PATH)) {
        const token = /^Bearer (.+)$/.exec(recorded.headers.authorization ?? '')?.[1]
        if (token === undefined || !issued.has(token)) {
          sendJson(
            response,
            401,
            { error: 'invalid_token' },
            {
              'WWW-Authenticate': 'Bearer error="invalid_token"',
            },
          )
          return
        }
        sendJson(response, 200, {
          resourceType: 'Patient',
          id: 'example',
          scope: issued.get(token),
        })
        return
      }
      sendJson(response, 404, {})
    },
    { tls: options.tls },
  )
  tokenUrl = server.url(TOKEN_PATH)
  return {
    tokenUrl,
    apiBaseUrl: server.url(API_PATH),
    seen,
    refusals,
    server,
    close: () => server.close(),
  }
}
