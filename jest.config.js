/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/extensions', '<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    // jose and jsonpath-plus ship ES modules only: ts-jest (allowJs) turns them into CommonJS for jest.
    '^.+\\.(ts|js|mjs)$': ['ts-jest', { tsconfig: { allowJs: true, isolatedModules: true } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(jose|jsonpath-plus)/)'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  testTimeout: 30000,
  // Opens loopback for the servers the tests start (OAUTHAPI_ALLOWED_NETWORKS, unless set).
  setupFiles: ['<rootDir>/test/support/allowLoopback.ts'],
}
