// As the house monorepo does: every test runs with TZ=UTC (set before the workers start).
process.env.TZ = 'UTC'

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 30000,
  projects: [
    {
      // The extension's own tests, as the house runs them: plain ts-jest, no transform for
      // packages in node_modules, compiled at the house's target.
      displayName: 'extension',
      testEnvironment: 'node',
      roots: ['<rootDir>/extensions'],
      testMatch: ['**/*.test.ts'],
      transform: {
        '^.+\\.ts$': [
          'ts-jest',
          { tsconfig: { target: 'es2018', lib: ['es2018'], isolatedModules: true } },
        ],
      },
    },
    {
      // The suites that need the local real servers, the CLI and the dev tooling.
      displayName: 'tooling',
      testEnvironment: 'node',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.test.ts'],
      transform: {
        // jose and jsonpath-plus ship ES modules only: ts-jest (allowJs) turns them into CommonJS for jest.
        '^.+\\.(ts|js|mjs)$': [
          'ts-jest',
          { tsconfig: { target: 'es2022', allowJs: true, isolatedModules: true } },
        ],
      },
      transformIgnorePatterns: ['/node_modules/(?!(jose|jsonpath-plus)/)'],
      // Not LangChain's chat model, which the extension never uses (test/support/chatModelAbsent.ts).
      moduleNameMapper: { '^@langchain/openai$': '<rootDir>/test/support/chatModelAbsent.ts' },
      // Opens loopback for the servers the tests start (OAUTHAPI_ALLOWED_NETWORKS, unless set).
      setupFiles: ['<rootDir>/test/support/allowLoopback.ts'],
      // One pool of RSA keys for the run, made before the suites start (servers/rsaKeys.ts).
      globalSetup: '<rootDir>/test/support/rsaKeyPool.ts',
      moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
    },
  ],
}
