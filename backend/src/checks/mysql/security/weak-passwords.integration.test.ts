import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MARIADB_ROOT } from '../../../test/mysql-fixtures.js';
import { randomSuffix } from '../../../test/pg-fixtures.js';
import { findingsOf, mariadbRootTarget, runChecks } from '../../../test/targets-fixture.js';
import type { Target } from '../../../targets/target-spec.js';
import { myAccount } from '../../quote.js';
import { mysqlWeakPasswords } from './weak-passwords.check.js';

// Planted accounts: the password is the user name; a common password; a strong one; a locked one with a common
// password. Findings name the account and never carry a password or hash.
const s = randomSuffix().slice(0, 6);
const SAME = `dbp_same_${s}`;
const COMMON = `dbp_common_${s}`;
const STRONG = `dbp_strong_${s}`;
const LOCKED = `dbp_locked_${s}`;
const OLD = `dbp_old41_${s}`;
const HOST = '10.9.8.%';
let admin: mysql.Connection;
let target: Target;

beforeAll(async () => {
  admin = await mysql.createConnection(MARIADB_ROOT);
  await admin.query(`CREATE USER ?@? IDENTIFIED BY ?`, [SAME, HOST, SAME]);
  await admin.query(`CREATE USER ?@? IDENTIFIED BY ?`, [COMMON, HOST, 'password123']);
  await admin.query(`CREATE USER ?@? IDENTIFIED BY ?`, [STRONG, HOST, `Xk!${s}-q8Lm#2`]);
  await admin.query(`CREATE USER ?@? IDENTIFIED BY ? ACCOUNT LOCK`, [LOCKED, HOST, 'password123']);
  // A pre-4.1 hash (16 hex characters) through the obsolete plugin MariaDB still ships.
  await admin.query(`CREATE USER ?@? IDENTIFIED VIA mysql_old_password USING ?`, [OLD, HOST, '5d2e19393cc5ef67']);
  target = mariadbRootTarget();
});

afterAll(async () => {
  await target?.close();
  for (const u of [SAME, COMMON, STRONG, LOCKED, OLD]) await admin.query(`DROP USER IF EXISTS ?@?`, [u, HOST]);
  await admin.end();
});

describe('mysql.weak-passwords on the live server', () => {
  it('reports the user-name and common-list accounts, not the strong or locked ones', async () => {
    const report = await runChecks(target, [mysqlWeakPasswords], { tier: 'weekly' });
    const mine = findingsOf(report, 'mysql.weak-passwords');
    expect(mine.find((f) => f.object === myAccount(SAME, HOST))).toMatchObject({
      severity: 'critical',
      value: 'user_name',
    });
    expect(mine.find((f) => f.object === myAccount(COMMON, HOST))).toMatchObject({
      severity: 'critical',
      value: 'common',
    });
    expect(mine.some((f) => f.object === myAccount(STRONG, HOST) || f.object === myAccount(LOCKED, HOST))).toBe(false);
    expect(mine.find((f) => f.object === myAccount(OLD, HOST))).toMatchObject({
      severity: 'critical',
      value: 'obsolete',
    });
    const text = JSON.stringify(mine);
    expect(text).not.toContain('password123');
    expect(text).not.toContain('5d2e19393cc5ef67');
    expect(text).not.toMatch(/\*[0-9A-F]{40}/);
  });
});
