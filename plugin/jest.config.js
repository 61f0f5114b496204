// force timezone to UTC to allow tests to work regardless of local timezone
process.env.TZ = 'UTC';

const config = require('./.config/jest.config');

module.exports = {
  ...config,
  // Newer ESM-only dependencies (d3-color 3.1.1) ship .mjs, which the scaffold's transform does not match.
  transform: { ...config.transform, '^.+\\.mjs$': ['@swc/jest'] },
  // Page tests render real @grafana/ui trees; on a loaded 2-core machine one test can pass 5 s.
  testTimeout: 30000,
  setupFilesAfterEnv: [...config.setupFilesAfterEnv, '<rootDir>/src/test/jest-setup.ts'],
};
