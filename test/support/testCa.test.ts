/**
 * The one test-certificate helper (servers/tls/certificates.ts) makes certificates that TLS
 * really accepts, and refuses with another CA.
 */
import { once } from 'node:events'
import { createServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { connect } from 'node:tls'
import { createTestCa } from '../../servers/tls/certificates'

const handshake = async (port: number, ca: string): Promise<string> => {
  const socket = connect({ host: '127.0.0.1', port, ca, servername: 'localhost' })
  try {
    await Promise.race([
      once(socket, 'secureConnect'),
      once(socket, 'error').then(([error]) => Promise.reject(error as Error)),
    ])
    return String(socket.getPeerCertificate().subject.CN)
  } finally {
    socket.destroy()
  }
}

it('issues a server certificate a client trusts through the CA, and only through it', async () => {
  const ca = await createTestCa()
  const other = await createTestCa('another CA')
  const leaf = await ca.issueServer({ hosts: ['localhost', '127.0.0.1'] })
  const server = createServer(
    { cert: leaf.certificatePem, key: leaf.privateKeyPem },
    (_request, response) => response.end(),
  )
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  try {
    await expect(handshake(port, ca.certificatePem)).resolves.toBe('localhost')
    await expect(handshake(port, other.certificatePem)).rejects.toThrow()
  } finally {
    server.close()
  }
})
