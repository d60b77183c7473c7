/**
 * For unit tests: HTTP intercepted at the socket layer by nock (no real network), and the
 * process's token cache emptied before each test so that tests do not see each other's tokens.
 */
import nock from 'nock'
import { clearCaches } from '../lib/oauth/caches'

export const interceptHttpWithNock = (): void => {
  beforeAll(() => {
    if (!nock.isActive()) nock.activate()
    nock.disableNetConnect()
  })
  // Other test files in the same jest worker meet real sockets again.
  afterAll(() => {
    nock.cleanAll()
    nock.enableNetConnect()
    nock.restore()
  })
  beforeEach(() => {
    clearCaches()
    nock.cleanAll()
  })
}
