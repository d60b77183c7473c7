/**
 * For unit tests: HTTP intercepted at the socket layer by nock (no real network), and the
 * process's token cache emptied before each test so that tests do not see each other's tokens.
 */
import nock from 'nock'
import { clearCaches } from '../lib/cache/caches'

export const interceptHttpWithNock = (): void => {
  beforeAll(() => nock.disableNetConnect())
  afterAll(() => {
    nock.cleanAll()
    nock.enableNetConnect()
  })
  beforeEach(() => {
    clearCaches()
    nock.cleanAll()
  })
}
