import { defineConfig } from 'eslint/config';
import grafanaI18n from '@grafana/i18n/eslint-plugin';
import baseConfig from './.config/eslint.config.mjs';

export default defineConfig([
  {
    ignores: ['**/node_modules/', '**/coverage', '**/dist/', '**/.eslintcache'],
  },
  ...baseConfig,
  {
    files: ['src/**/*.{ts,tsx}'],
    plugins: { '@grafana/i18n': grafanaI18n },
    rules: {
      '@typescript-eslint/no-deprecated': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Prefer named exports.' }],
      '@grafana/i18n/no-untranslated-strings': 'error',
      '@grafana/i18n/no-translation-top-level': 'error',
      '@grafana/i18n/t-plural-defaults': 'error',
      '@grafana/i18n/trans-plural-defaults': 'error',
    },
  },
  {
    files: ['src/**/*.test.{ts,tsx}', 'src/test/**/*'],
    rules: {
      '@grafana/i18n/no-untranslated-strings': 'off',
      '@grafana/i18n/no-translation-top-level': 'off',
    },
  },
]);
