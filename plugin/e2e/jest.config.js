// The browser walk: a real preview server, backend and Chromium. Kept apart from the jsdom unit run (src/**).
module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }] },
  globalSetup: '<rootDir>/global-setup.js',
  testTimeout: 240_000,
  maxWorkers: 1,
};
