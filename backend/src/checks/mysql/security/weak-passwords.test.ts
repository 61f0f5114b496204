import { describe, expect, it } from 'vitest';
import { checkEvaluator, MARIADB_10_11 } from '../../../test/check-evaluator.js';
import { toTexts } from '../../check.types.js';
import { COMMON_PASSWORDS, COMMON_PASSWORD_HASHES_SQL, nativePasswordHash } from './common-passwords.js';
import { mysqlWeakPasswords } from './weak-passwords.check.js';

const NOW = new Date('2026-11-24T12:00:00Z');
const { evaluate, findings } = checkEvaluator({
  server: MARIADB_10_11,
  window: { from: new Date(NOW.getTime() - 7 * 86_400_000), to: NOW },
  now: NOW,
  instanceName: 'db-prod-1',
  requireBothLanguages: true,
});

describe('mysql.weak-passwords', () => {
  it('hashes like mysql_native_password', () => {
    expect(nativePasswordHash('admin')).toBe('*4ACFE3202A5FF5CF467898FC58AAB1D615029441');
    expect(COMMON_PASSWORDS.length).toBeGreaterThanOrEqual(90);
    expect(COMMON_PASSWORD_HASHES_SQL).toMatch(/^('\*[0-9A-F]{40}'(, )?)+$/);
  });

  it.each([
    ['user name', 'user_name', 'has its user name as password'],
    ['common list', 'common', 'most common passwords'],
    ['pre-4.1 hash', 'obsolete', 'pre-4.1'],
  ] as const)('%s: critical, names the account only', (_n, weakness, text) => {
    const [f, ...rest] = findings(
      evaluate(mysqlWeakPasswords, { accounts: [{ user: 'app', host: '%', plugin: '', weakness }] }),
    );
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ severity: 'critical', object: "'app'@'%'", value: weakness });
    expect(toTexts(f!.message).en).toContain(text);
  });

  it('exemptAccounts leaves an account out', () => {
    const raw = { accounts: [{ user: 'app', host: '%', plugin: '', weakness: 'common' }] };
    expect(findings(evaluate(mysqlWeakPasswords, raw, { thresholds: { exemptAccounts: ["'app'@'%'"] } }))).toEqual([]);
  });
});
