// Mutual TLS for the proofs of RFC 8705: a test CA made at start; oidc-provider (https, its
// certificate from the CA) authenticating clients by their certificates (tls_client_auth) and
// binding their access tokens to them (cnf.x5t#S256); and an https API that requires a client
// certificate of the CA and accepts a token only with the certificate it is bound to (§3).
// Everything on 127.0.0.1, ports chosen by the system; `stop` closes all of it.

import { createHash, createPublicKey, X509Certificate } from 'node:crypto'
import { rsaPrivateKey } from '../rsaKeys'
import { get } from 'node:https'
import type { TLSSocket } from 'node:tls'
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose'
import {
  startAuthorizationServer,
  type AuthorizationServerProcess,
} from '../authorizationServerProcess'
import { sendJson, startLoopbackServer, type LoopbackServer } from '../loopbackServer'
import {
  createTestCa,
  selfSignedCertificate,
  type IssuedCertificate,
  type TestCa,
} from './certificates'

const AUDIENCE = 'urn:oauthapi:mtls-fhir'
const SCOPE = 'patient.read'
const CLIENT_NAMES = ['oauthapi-mtls-a', 'oauthapi-mtls-b'] as const
type MtlsClientName = (typeof CLIENT_NAMES)[number]
/** A self_signed_tls_client_auth client (RFC 8705 §2.2): its certificate registered as x5c. */
const SELF_SIGNED_CLIENT = 'oauthapi-mtls-self-signed'

export interface MtlsServers {
  ca: TestCa
  issuer: string
  apiBaseUrl: string
  clientCertificates: Record<MtlsClientName, IssuedCertificate>
  /** Settings for a client: discovery from the issuer, tls_client_auth, the CA trusted. */
  settingsFor(name: MtlsClientName): Record<string, string>
  /** Settings for the self_signed_tls_client_auth client (its token only: the API wants the CA's). */
  selfSignedSettings: Record<string, string>
  stats(): Promise<{ tokenRequests: number; mtlsTokenRequests: number }>
  stop(): Promise<void>
}

const getJson = (url: string, ca: string[]): Promise<unknown> =>
  new Promise((resolve, reject) => {
    get(url, { agent: false, ca }, (response) => {
      let body = ''
      response.setEncoding('utf8')
      response.on('data', (chunk: string) => (body += chunk))
      response.on('end', () => {
        try {
          resolve(JSON.parse(body))
        } catch (error) {
          reject(error instanceof Error ? error : new Error('not JSON'))
        }
      })
    }).on('error', reject)
  })

const thumbprint = (certificate: X509Certificate): string =>
  createHash('sha256').update(certificate.raw).digest('base64url')

/**
 * The API: the handshake requires a certificate of the CA; a request needs a bearer JWT of the
 * authorization server for this audience whose cnf.x5t#S256 is the presented certificate's.
 * Answers with the patient and the CN of the certificate presented.
 */
async function startMtlsApi(
  ca: TestCa,
  certificate: IssuedCertificate,
  issuer: string,
  jwks: JSONWebKeySet,
): Promise<LoopbackServer> {
  const keys = createLocalJWKSet(jwks)
  return startLoopbackServer(
    async (recorded, response, request) => {
      const peer = (request.socket as TLSSocket).getPeerX509Certificate()
      const token = /^Bearer (.+)$/.exec(recorded.headers.authorization ?? '')?.[1]
      if (peer === undefined || token === undefined) {
        sendJson(response, 401, { error: 'invalid_token' })
        return
      }
      try {
        const { payload } = await jwtVerify(token, keys, { issuer, audience: AUDIENCE })
        const cnf = payload['cnf'] as Record<string, unknown> | undefined
        if (cnf?.['x5t#S256'] !== thumbprint(peer)) throw new Error('not bound to this certificate')
      } catch {
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
        presentedBy: peer.subject,
      })
    },
    {
      tls: {
        cert: certificate.certificatePem,
        key: certificate.privateKeyPem,
        ca: [ca.certificatePem],
        requestCert: true,
        rejectUnauthorized: true,
      },
    },
  )
}

export async function startMtlsServers(): Promise<MtlsServers> {
  const ca = await createTestCa()
  const serverCertificate = await ca.issueServer()
  const clientCertificates = {} as Record<MtlsClientName, IssuedCertificate>
  for (const name of CLIENT_NAMES) clientCertificates[name] = await ca.issueClient(name)
  const selfSignedKey = rsaPrivateKey()
  const selfSignedKeyPem = selfSignedKey.export({ type: 'pkcs8', format: 'pem' }).toString()
  const selfSignedPem = await selfSignedCertificate(selfSignedKeyPem, SELF_SIGNED_CLIENT)
  const selfSignedJwk = {
    ...createPublicKey(selfSignedKey).export({ format: 'jwk' }),
    x5c: [new X509Certificate(selfSignedPem).raw.toString('base64')],
  }
  const authorizationServer: AuthorizationServerProcess = await startAuthorizationServer(
    {
      audience: AUDIENCE,
      scopes: [SCOPE],
      accessTokenTtlSeconds: 120,
      clients: [
        ...CLIENT_NAMES.map((name) => ({
          client_id: name,
          token_endpoint_auth_method: 'tls_client_auth' as const,
          tls_client_auth_subject_dn: `CN=${name}`,
          tls_client_certificate_bound_access_tokens: true,
          scope: SCOPE,
        })),
        {
          client_id: SELF_SIGNED_CLIENT,
          token_endpoint_auth_method: 'self_signed_tls_client_auth',
          jwks: { keys: [selfSignedJwk] },
          tls_client_certificate_bound_access_tokens: true,
          scope: SCOPE,
        },
      ],
      tls: {
        cert: serverCertificate.certificatePem,
        key: serverCertificate.privateKeyPem,
        ca: [ca.certificatePem],
      },
    },
    [],
  )
  let api: LoopbackServer
  try {
    const jwks = (await getJson(authorizationServer.jwksUri, [ca.certificatePem])) as JSONWebKeySet
    api = await startMtlsApi(ca, serverCertificate, authorizationServer.issuer, jwks)
  } catch (error) {
    await authorizationServer.stop()
    throw error
  }
  const apiBaseUrl = api.url('/fhir')
  return {
    ca,
    issuer: authorizationServer.issuer,
    apiBaseUrl,
    clientCertificates,
    settingsFor: (name) => ({
      issuerUrl: authorizationServer.issuer,
      clientId: name,
      clientAuthMethod: 'tls_client_auth',
      clientCertificate: clientCertificates[name].certificatePem,
      clientCertificateKey: clientCertificates[name].privateKeyPem,
      caCertificates: ca.certificatePem,
      scope: SCOPE,
      apiBaseUrl,
    }),
    selfSignedSettings: {
      issuerUrl: authorizationServer.issuer,
      clientId: SELF_SIGNED_CLIENT,
      clientAuthMethod: 'self_signed_tls_client_auth',
      clientCertificate: selfSignedPem,
      clientCertificateKey: selfSignedKeyPem,
      caCertificates: ca.certificatePem,
      scope: SCOPE,
      apiBaseUrl,
    },
    stats: () => authorizationServer.stats(),
    stop: async () => {
      await Promise.allSettled([authorizationServer.stop(), api.close()])
    },
  }
}
