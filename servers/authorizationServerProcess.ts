// Starts authorizationServer.mjs (oidc-provider, ESM only) in a child process and talks to it.

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { get, type IncomingMessage } from 'node:http'
import { get as getHttps } from 'node:https'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import type { ClientMetadata } from './clients'
import { rsaPrivateKeyPem } from './rsaKeys'

export interface AuthorizationServerConfig {
  /** the sample API's resource indicator (RFC 8707) and access token audience */
  audience: string
  scopes: string[]
  /** Scopes clients may ask for that the API never grants (left out of the token's scope). */
  ungrantedScopes?: string[]
  accessTokenTtlSeconds: number
  clients: ClientMetadata[]
  /** Serve https with mutual TLS (RFC 8705): the server's certificate and key, the clients' CAs. */
  tls?: { cert: string; key: string; ca: string[] }
}

interface AuthorizationServerStats {
  tokenRequests: number
  /** Token requests to the mTLS alias (RFC 8705 §5), with `tls` only. */
  mtlsTokenRequests: number
  assertionJtis: string[]
  /** Each token request's client (null: none registered) and OAuth error (null: a token was issued). */
  grants: Array<{ clientId: string | null; error: string | null }>
  /** The JOSE header of each client assertion: alg, kid, typ, jku. */
  assertionHeaders: Array<Record<string, unknown>>
}

export interface AuthorizationServerProcess {
  issuer: string
  tokenEndpoint: string
  jwksUri: string
  stats(): Promise<AuthorizationServerStats>
  stop(): Promise<void>
}

interface ReadyMessage {
  event: 'ready'
  issuer: string
  tokenEndpoint: string
  jwksUri: string
  statsUrl: string
}

const CONFIG_ENV_VAR = 'OAUTHAPI_AUTHORIZATION_SERVER_CONFIG'
const SCRIPT_NAME = 'authorizationServer.mjs'
const STARTUP_TIMEOUT_MS = 10_000
const STOP_GRACE_MS = 3_000
const MAX_STDERR_CHARS = 8_000

/** Next to this module: the servers kit runs from TypeScript (ts-node or ts-jest), never from dist/. */
const AUTHORIZATION_SERVER_SCRIPT = join(__dirname, SCRIPT_NAME)

function redactor(secrets: string[]): (text: string) => string {
  return (text) =>
    secrets.reduce((redacted, secret) => redacted.split(secret).join('[redacted]'), text)
}

/** Keeps the last MAX_STDERR_CHARS of the child's stderr, for error messages. */
function stderrTail(child: ChildProcessWithoutNullStreams): () => string {
  let tail = ''
  child.stderr.setEncoding('utf8')
  child.stderr.on('data', (chunk: string) => {
    tail = (tail + chunk).slice(-MAX_STDERR_CHARS)
  })
  return () => tail
}

function parseReadyLine(line: string): ReadyMessage | undefined {
  try {
    const message = JSON.parse(line) as Partial<ReadyMessage>
    return message?.event === 'ready' ? (message as ReadyMessage) : undefined
  } catch {
    return undefined // oidc-provider prints notices on stdout too
  }
}

/** Resolves with the child's "ready" line; rejects if it exits, fails to spawn or takes too long. */
function waitUntilReady(
  child: ChildProcessWithoutNullStreams,
  describeFailure: (reason: string) => Error,
): Promise<ReadyMessage> {
  return new Promise((resolvePromise, reject) => {
    let buffered = ''
    const cleanUp = () => {
      clearTimeout(timer)
      child.stdout.off('data', onData)
      child.off('exit', onExit)
      child.off('error', onError)
    }
    const fail = (reason: string) => {
      cleanUp()
      reject(describeFailure(reason))
    }
    const onData = (chunk: string) => {
      buffered += chunk
      const lines = buffered.split('\n')
      buffered = lines.pop() ?? ''
      const ready = lines.map(parseReadyLine).find((message) => message !== undefined)
      if (ready) {
        cleanUp()
        resolvePromise(ready)
      }
    }
    // stderr may still be arriving when 'exit' fires: give it a moment.
    const onExit = (code: number | null, signal: string | null) =>
      void sleep(50).then(() => fail(`exited before it was ready (code ${code}, signal ${signal})`))
    const onError = (error: Error) => fail(`could not be started: ${error.message}`)
    const timer = setTimeout(
      () => fail(`was not ready within ${STARTUP_TIMEOUT_MS} ms`),
      STARTUP_TIMEOUT_MS,
    )
    child.stdout.setEncoding('utf8')
    child.stdout.on('data', onData)
    child.once('exit', onExit)
    child.once('error', onError)
  })
}

function hasExited(child: ChildProcessWithoutNullStreams): boolean {
  return child.exitCode !== null || child.signalCode !== null
}

/** SIGTERM, then SIGKILL if it lingers; resolves once the process and its pipes are closed. */
function terminate(child: ChildProcessWithoutNullStreams): Promise<void> {
  return new Promise((resolvePromise) => {
    const closed = child.stdout.closed && child.stderr.closed && hasExited(child)
    if (closed) return resolvePromise()
    const killTimer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS)
    child.once('close', () => {
      clearTimeout(killTimer)
      resolvePromise()
    })
    child.stdin.destroy()
    if (!hasExited(child)) child.kill('SIGTERM')
  })
}

function getJson<T>(url: string, ca?: string[]): Promise<T> {
  return new Promise((resolvePromise, reject) => {
    // agent: false → a fresh connection, closed afterwards: nothing left open.
    const onResponse = (response: IncomingMessage): void => {
      let body = ''
      response.setEncoding('utf8')
      response.on('data', (chunk: string) => (body += chunk))
      response.on('end', () => {
        if (response.statusCode !== 200)
          return reject(new Error(`GET ${url}: ${response.statusCode}`))
        try {
          resolvePromise(JSON.parse(body) as T)
        } catch (error) {
          reject(error instanceof Error ? error : new Error(`GET ${url}: not JSON`))
        }
      })
    }
    const request = url.startsWith('https:')
      ? getHttps(url, { agent: false, ca }, onResponse)
      : get(url, { agent: false }, onResponse)
    request.on('error', reject)
  })
}

/**
 * Spawns the authorization server with this Node.js binary. The configuration (including the
 * client secrets) travels in an environment variable, which the child deletes on reading. Its
 * stdin stays open: when this process dies, the pipe closes and the child exits.
 */
export async function startAuthorizationServer(
  config: AuthorizationServerConfig,
  secrets: string[],
): Promise<AuthorizationServerProcess> {
  // The key it signs access tokens with (RS256), made here: from the tests' key pool when there is one.
  const accessTokenSigningKey = rsaPrivateKeyPem()
  const child = spawn(process.execPath, [AUTHORIZATION_SERVER_SCRIPT], {
    env: {
      ...process.env,
      [CONFIG_ENV_VAR]: JSON.stringify({ ...config, accessTokenSigningKey }),
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  const stderr = stderrTail(child)
  const redact = redactor([...secrets, accessTokenSigningKey])
  const describeFailure = (reason: string) =>
    new Error(`The local authorization server ${reason}.\nIts stderr:\n${redact(stderr())}`)

  let ready: ReadyMessage
  try {
    ready = await waitUntilReady(child, describeFailure)
  } catch (error) {
    await terminate(child)
    throw error
  }
  child.stdout.resume() // keep draining: a full pipe would block the child

  let stopping: Promise<void> | undefined
  return {
    issuer: ready.issuer,
    tokenEndpoint: ready.tokenEndpoint,
    jwksUri: ready.jwksUri,
    // With tls, the server's certificate is of the test CA that issued the clients' ones.
    stats: () => getJson<AuthorizationServerStats>(ready.statsUrl, config.tls?.ca),
    stop: () => (stopping ??= terminate(child)),
  }
}
